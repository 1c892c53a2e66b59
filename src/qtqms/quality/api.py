"""/api/v1/quality: every quality sub-slice's JSON API under one router."""

from fastapi import APIRouter

from qtqms.quality.documents.api import router as documents
from qtqms.quality.nonconformity.api import router as nonconformities
from qtqms.quality.tasks.api import router as tasks

router = APIRouter()
router.include_router(documents)
router.include_router(nonconformities)
router.include_router(tasks)
