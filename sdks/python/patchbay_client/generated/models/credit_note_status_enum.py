from enum import StrEnum


class CreditNoteStatusEnum(StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    VOID = "void"

    def __str__(self) -> str:
        return str(self.value)
