"""Learning across reviews: learning products that carry the lessons of reviews to the agencies
(``products``, with what they link checked in ``linking``), the themes view (which themes recur,
in which review types and agencies, over which years) and the good-practice findings gathered
as "what good looks like" (``themes``).

Products are the board's, not a case's: only the roles that see every case (reviewer, chair,
admin) read or change them, and each change is kept in the learning audit. Everything here
names a review by its case reference and review type, never by its title or data.
"""

from workflow.services.learning.commands import KIND_LABELS, FindingRef, NewDelivery, NewProduct
from workflow.services.learning.products import (
    add_delivery,
    create_product,
    get_product,
    list_products,
)
from workflow.services.learning.results import (
    GoodPractice,
    Product,
    ProductList,
    ThemeRow,
    ThemesView,
)
from workflow.services.learning.themes import (
    FindingFacts,
    finding_facts,
    good_practice,
    names_of_types,
    theme_rows,
    themes_view,
    type_names,
)
from workflow.store.models.learning import ProductKind

__all__ = [
    "KIND_LABELS",
    "FindingFacts",
    "FindingRef",
    "GoodPractice",
    "NewDelivery",
    "NewProduct",
    "Product",
    "ProductKind",
    "ProductList",
    "ThemeRow",
    "ThemesView",
    "add_delivery",
    "create_product",
    "finding_facts",
    "get_product",
    "good_practice",
    "list_products",
    "names_of_types",
    "theme_rows",
    "themes_view",
    "type_names",
]
