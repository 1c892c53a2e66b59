"""Export-control classification of a product's recorded parameters against versioned control lists."""
