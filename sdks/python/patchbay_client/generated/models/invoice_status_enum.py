from enum import StrEnum


class InvoiceStatusEnum(StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    PAID = "paid"
    PARTIALLY_PAID = "partially_paid"
    VOID = "void"

    def __str__(self) -> str:
        return str(self.value)
