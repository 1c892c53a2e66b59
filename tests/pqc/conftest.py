"""The labelled corpus is data for the accuracy test, not tests to collect."""

collect_ignore_glob = ["corpus/*"]
