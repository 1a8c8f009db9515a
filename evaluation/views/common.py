from tod.pagination import PAGE_SIZE, paginate

__all__ = ["PAGE_SIZE", "paginate"]
