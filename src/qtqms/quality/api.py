"""/api/v1/quality: every quality sub-slice's JSON API under one router."""

from fastapi import APIRouter

from qtqms.quality.documents.api import router as documents

router = APIRouter()
router.include_router(documents)
