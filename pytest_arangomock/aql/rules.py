"""ArangoDB 3.12's optimizer rules: names, flags and descriptions as the server registers
them (``OptimizerRulesFeature::addRules`` plus the RocksDB engine's rules), in the order
of their levels, which is the order they run in and the order ``GET /_api/query/rules``
lists them.
"""

from __future__ import annotations

from typing import Any

__all__ = ["RULE_NAMES", "optimizer_rules", "rule_run"]

# flags: h hidden, c canBeDisabled, a canCreateAdditionalPlans, d disabledByDefault,
# e enterpriseOnly (cluster-only rules are not registered on a single server)
_RULES = (
    (
        "replace-function-with-index",
        "",
        "Replace deprecated index functions such as `FULLTEXT()`,\n`NEAR()`, `WITHIN()`, or"
        " `WITHIN_RECTANGLE()` with a regular subquery.",
    ),
    (
        "inline-subqueries",
        "c",
        "Try to pull subqueries out into their surrounding scope, e.g.\n`FOR x IN (FOR y IN"
        " collection FILTER y.value >= 5 RETURN y.test) RETURN x.a`\nbecomes `FOR tmp IN"
        " collection FILTER tmp.value >= 5 LET x = tmp.test RETURN x.a`.",
    ),
    ("replace-like-with-range", "", "Replace LIKE() function with range scans where possible."),
    (
        "replace-entries-with-object-iteration",
        "c",
        "Replace FOR ... ENTRIES(obj) enumeration with proper object iteration\nto avoid"
        " copying a lot of key/value pairs and storing intermediate results.",
    ),
    (
        "simplify-conditions",
        "c",
        "Replace parts in `CalculationNode` expressions with\nsimpler expressions.",
    ),
    (
        "move-calculations-up",
        "c",
        "Move calculations up in the processing pipeline as far as\npossible (ideally out of"
        " enumerations) so they are not executed in loops if not\nrequired. It is quite"
        " common that this rule enables further optimizations.",
    ),
    (
        "move-filters-up",
        "c",
        "Move filters up in the processing pipeline as far as possible\n(ideally out of inner"
        " loops) so they filter results as early as possible.",
    ),
    (
        "remove-redundant-calculations",
        "c",
        "Replace references to redundant calculations (expressions\nwith the exact same"
        " result) with a single reference, allowing other rules to\nremove no longer needed"
        " calculations.",
    ),
    (
        "remove-unnecessary-filters",
        "c",
        "Remove `FILTER` conditions that always evaluate to `true`.",
    ),
    (
        "remove-unnecessary-calculations",
        "c",
        "Remove all calculations whose result is not referenced in the\nquery. This can be a"
        " consequence of applying other optimizations.",
    ),
    (
        "specialize-collect",
        "ha",
        "Appears whenever a `COLLECT` statement is used in a query to determine\nthe type of"
        " `CollectNode` to use.",
    ),
    (
        "remove-redundant-sorts",
        "c",
        "Try to merge multiple `SORT` statements into fewer sorts.",
    ),
    (
        "optimize-subqueries",
        "c",
        "Apply optimizations to subqueries.\n\nThis rule adds a `LIMIT` statement to"
        " qualifying subqueries to make them return\nless data. It also modifies the result"
        " value of subqueries in case only the\nnumber of subquery results is checked later."
        " This saves copying the document\ndata from the subquery to the outer scope and may"
        " enable follow-up\noptimizations.",
    ),
    (
        "interchange-adjacent-enumerations",
        "ca",
        "Try out permutations of `FOR` statements in queries that contain\nmultiple loops,"
        " which may enable further optimizations by other rules.",
    ),
    (
        "move-calculations-up-2",
        "c",
        "Second pass of moving calculations up in the processing\npipeline as far as"
        " possible, to pull them out of inner loops etc.",
    ),
    (
        "move-filters-up-2",
        "c",
        "Second pass of moving filters up in the processing pipeline\nas far as possible so"
        " they filter results as early as possible.",
    ),
    (
        "replace-equal-attribute-accesses",
        "cd",
        "Replace attribute accesses that are equal due to a filter statement\nwith the same"
        " value. This might enable other optimizations later on.",
    ),
    (
        "remove-redundant-sorts-2",
        "c",
        "Second pass of trying to merge multiple `SORT` statements\ninto fewer sorts.",
    ),
    (
        "remove-sort-rand-limit-1",
        "c",
        "Remove `SORT RAND() LIMIT 1` constructs by moving the random iteration\ninto"
        " `EnumerateCollectionNode`.\n\nThe RocksDB storage engine doesn't allow to seek"
        " random documents efficiently.\nThis optimization picks a pseudo-random document"
        " based on a limited number of\nseeks within the collection's key range, selecting a"
        " random start key in the\nkey range, and then going a few steps before or after"
        " that.",
    ),
    (
        "remove-collect-variables",
        "c",
        "Remove `INTO` and `AGGREGATE` clauses from `COLLECT`\nstatements if the result is not"
        " used.",
    ),
    (
        "propagate-constant-attributes",
        "c",
        "Insert constant values into `FILTER` conditions, replacing\ndynamic attribute values.",
    ),
    (
        "remove-data-modification-out-variables",
        "c",
        "Avoid setting the pseudo-variables `OLD` and `NEW` if they\nare not used in data"
        " modification queries.",
    ),
    (
        "replace-or-with-in",
        "c",
        "Combine multiple `OR` equality conditions on the same\nvariable or attribute with an"
        " `IN` condition.",
    ),
    (
        "replace-any-eq-with-in",
        "c",
        "Replace `ANY ==` array comparison expressions with equivalent `IN`\nexpressions to"
        " enable further optimizations and index usage.",
    ),
    (
        "remove-redundant-or",
        "c",
        "Combine multiple `OR` conditions for the same variable or\nattribute into a single"
        " condition.",
    ),
    (
        "geo-index-optimizer",
        "c",
        "Utilize geo-spatial indexes to remove `FILTER DISTANCE(...)`\nand SORT DISTANCE(...)`.",
    ),
    (
        "use-vector-index",
        "c",
        "Utilize a vector index to accelerate the comparison of\nvector embeddings with vector"
        " similarity AQL functions.",
    ),
    (
        "push-filter-into-enumerate-near",
        "hd",
        "Push Filter into EnumerateNearVector node. Can also optimize\nfiltering by using"
        " `storedValues`. This rule is only enabled by the\n`use-vector-index` rule.",
    ),
    (
        "materialize-for-enumerate-near",
        "h",
        "Choose how each EnumerateNearVectorNode emits its document.\nIf the vector index"
        " storedValues cover the downstream projections, or if a\npushed-down filter already"
        " loaded the document, the vector node produces the\noutput directly. Otherwise a"
        " MaterializeRocksDBNode is inserted after the\nvector node to translate the doc-id"
        " into the full document.",
    ),
    (
        "use-indexes",
        "c",
        "Use indexes to iterate over collections, replacing\n`EnumerateCollectionNode` with"
        " `IndexNode` in the query plan.",
    ),
    (
        "remove-filter-covered-by-index",
        "c",
        "Replace or remove `FilterNode` if the filter conditions are\nalready covered by"
        " `IndexNode`.",
    ),
    (
        "remove-unnecessary-filters-2",
        "c",
        "Second pass of removing `FILTER` conditions that always\nevaluate to `true`.",
    ),
    (
        "use-index-for-sort",
        "c",
        "Use indexes to avoid `SORT` operations, removing `SortNode`\nfrom the query plan.",
    ),
    (
        "sort-in-values",
        "c",
        "Use a binary search for in-list lookups with a logarithmic\ncomplexity instead of the"
        " default linear complexity in-list lookup if the\ncomparison array on the"
        " right-hand side of an `IN` operator is pre-sorted by an\nextra function call.",
    ),
    (
        "optimize-traversal-last-element-access",
        "c",
        "Transform accesses to the last vertex or edge of the path\noutput variable"
        " (`p.vertices[-1]` and `p.edges[-1]`) emitted by AQL traversals\n(`FOR v, e, p IN"
        " ...`) with accesses to the vertex or edge variable\n(`v` and `e`). This can avoid"
        " computing the path variable at all and enable\nfurther optimizations that are not"
        " possible on the path variable `p`.",
    ),
    (
        "optimize-traversals",
        "c",
        "Try to move `FILTER` conditions into `TraversalNode` for\nearly pruning of results,"
        " apply traversal projections, and avoid calculating\nedge and path output variables"
        " that are not declared in the query for the\nAQL traversal.",
    ),
    (
        "optimize-enumerate-path-filters",
        "c",
        "Move `FILTER` conditions on the path output variable into the path search.",
    ),
    (
        "optimize-paths",
        "c",
        "Check how the output variables of `K_PATHS`, `K_SHORTEST_PATHS`,\nand"
        " `ALL_SHORTEST_PATHS` path search graph algorithms are used and avoid\nloading the"
        " vertex documents if they are not accessed in the query.",
    ),
    (
        "remove-filter-covered-by-traversal",
        "c",
        "Replace or remove `FilterNode` if the filter conditions are\nalready covered by"
        " `TraversalNode`.",
    ),
    (
        "handle-arangosearch-views",
        "",
        "Appears whenever an `arangosearch` or `search-alias` View is accessed\nin a query.",
    ),
    (
        "arangosearch-constrained-sort",
        "c",
        "Make nodes of type `EnumerateViewNode` aware of `SORT` with a\nsubsequent `LIMIT`"
        " when using Views to reduce memory usage and avoid unnecessary\nsorting that has"
        " already been carried out by ArangoSearch internally.",
    ),
    (
        "remove-unnecessary-calculations-2",
        "c",
        "Second pass of removing all calculations whose result is not\nreferenced in the"
        " query. This can be a consequence of applying other\noptimizations",
    ),
    (
        "remove-redundant-path-var",
        "c",
        "Avoid computing the variables emitted by AQL traversals if\nthey are declared but"
        " unused in the query, or only used in filters that are\npulled into the traversal,"
        " significantly reducing overhead.",
    ),
    (
        "move-calculations-down",
        "c",
        "Move calculations down in the processing pipeline as far as\npossible (below"
        " `FILTER`, `LIMIT` and `SUBQUERY` nodes) so they are executed as\nlate as possible"
        " and not before their results are required.",
    ),
    (
        "fuse-filters",
        "c",
        "Merges adjacent `FILTER` nodes together into a single\n`FILTER` node.",
    ),
    (
        "move-filters-into-enumerate",
        "c",
        "Move filters on non-indexed collection attributes into\n`IndexNode` or"
        " `EnumerateCollectionNode` to allow early pruning of\nnon-matching documents. This"
        " optimization can help to avoid a lot of temporary\ndocument copies. The"
        " optimization can also be applied to enumerations over\nnon-collection array.",
    ),
    (
        "remove-unnecessary-calculations-3",
        "hcd",
        "Third pass of removing all calculations whose result is not\nreferenced in the"
        " query. This can be a consequence of applying other\noptimizations",
    ),
    (
        "sort-limit",
        "c",
        "Make `SORT` aware of a subsequent `LIMIT` to enable\noptimizations internal to the"
        " `SortNode` that allow to reduce memory usage\nand, in many cases, improve the"
        " sorting speed.\n\nA `SortNode` needs to be followed by a `LimitNode` with no"
        " intervening nodes\nthat may change the element count (e.g. a `FilterNode` which"
        " cannot be moved\nbefore the sort, or a source node like"
        " `EnumerateCollectionNode`).\n\nThe optimizer may choose not to apply the rule if it"
        " decides that it offers\nlittle or no benefit. In particular, it does not apply the"
        " rule if the input\nsize is very small or if the output from the `LimitNode` is"
        " similar in size to\nthe input. In exceptionally rare cases, this rule could result"
        " in some small\nslowdown. If observed, you can disable the rule for the affected"
        " query at the\ncost of increased memory usage.",
    ),
    (
        "reduce-extraction-to-projection",
        "c",
        "Modify `EnumerationCollectionNode` and `IndexNode` that would have\nextracted entire"
        " documents to only return a projection of each document.\n\nProjections are limited"
        " to at most 5 different document attributes by default.\nThe maximum number of"
        " projected attributes can optionally be adjusted by\nsetting the `maxProjections`"
        " hint for an AQL `FOR` operation.",
    ),
    (
        "optimize-count",
        "c",
        "Optimize subqueries to use an optimized code path for\ncounting documents.\n\nThe"
        " requirements are that the subquery result must only be used with the\n`COUNT()` or"
        " `LENGTH()` AQL function and not for anything else. The subquery\nitself must be"
        " read-only (no data modification subquery), not use nested `FOR`\nloops, no `LIMIT`"
        " statement, and no `FILTER` condition or calculation that\nrequires accessing"
        " document data. Accessing index data is supported for\nfiltering but not for further"
        " calculations.",
    ),
    (
        "late-document-materialization-arangosearch",
        "c",
        "Try to read from the underlying collections of a View as late\nas possible if the"
        " involved attributes are covered by the View index.",
    ),
    (
        "late-document-materialization",
        "c",
        "Try to read from collections as late as possible if the\ninvolved attributes are"
        " covered by inverted indexes.",
    ),
    (
        "push-limit-into-index",
        "c",
        "Reduce results early for a combination of `FILTER`, `SORT`,\nand `LIMIT` where the"
        " filter condition uses the `IN` comparison operator and\nthe condition and sort"
        " attributes are covered by a persistent index, so that\nthe limit can already be"
        " applied when reading from the index. Additional\nrequirements are that there is no"
        " outer loop and no post-filtering, and the\nattributes to sort by must all be in the"
        " same direction.",
    ),
    (
        "batch-materialize-documents",
        "c",
        "Batch document lookups from indexes for efficiency.",
    ),
    (
        "late-materialization-offset-info",
        "ce",
        "Get the search highlighting offsets as late as possible to\navoid unnecessary reads.",
    ),
    (
        "join-index-nodes",
        "c",
        "Join adjacent index nodes and replace them with a join node\nin case the indexes"
        " qualify for it.\n\nIf two or more collections are joined using nested `FOR` loops"
        " and the\nattributes to join on are indexed by primary indexes or persistent"
        " indexes,\nthen a merge join can be performed because they are sorted. Returning\n"
        "document attributes from the outer loop is limited to attributes covered by\nthe"
        " index.",
    ),
    (
        "use-index-for-collect",
        "c",
        "Use indexes for a `COLLECT` operation if possible.\nPersistent indexes can speed up"
        " the scanning for distinct values up to orders\nof magnitude if the selectivity is"
        " low, i.e. if there are few different\nvalues. Furthermore, they can be used to"
        " cover eligible\n`COLLECT ... AGGREGATE` operations.",
    ),
    (
        "push-down-late-materialization",
        "c",
        "Defer loading documents when attributes accessed in `FILTER`\nand `SORT` operations"
        " are covered by an index. The rule can also push the\nmaterialization past `FOR`"
        " loops in case they are optimized to a merge join.",
    ),
    (
        "materialize-into-separate-variable",
        "",
        "Introduce separate internal variables for projected\nattributes. This enables late"
        " materialization that avoids the creation of\ntemporary objects and having to look"
        " up attributes by key in these objects.",
    ),
    (
        "optimize-projections",
        "c",
        "Remove projections that are no longer used and store projection\nresults in"
        " separate output registers.",
    ),
    (
        "remove-unnecessary-calculations-4",
        "c",
        "Fourth pass of removing all calculations whose result is not\nreferenced in the"
        " query. This can be a consequence of applying other\noptimizations",
    ),
    (
        "async-prefetch",
        "c",
        "Allow query execution nodes to asynchronously prefetch the\nnext batch while"
        " processing the current batch, allowing parts of the query to\nrun in parallel."
        " This is only possible for certain operations in a query.",
    ),
    (
        "immutable-search-condition",
        "c",
        "Optimize immutable search condition for nested loops. There is no need\nto perform a"
        " real search repeatedly if the results can be cached in a bitset.",
    ),
    (
        "splice-subqueries",
        "",
        "Appears if subqueries are spliced into the surrounding query,\nreducing overhead for"
        " executing subqueries by inlining the execution.\nThis mainly benefits queries which"
        " execute subqueries very often that only\nreturn a few results at a time.\n\nThis"
        " optimization is performed on all subqueries and is applied after all other\n"
        "optimizations.",
    ),
)

RULE_NAMES = tuple(name for name, _, _ in _RULES)


def optimizer_rules() -> list[dict[str, Any]]:
    """What ``GET /_api/query/rules`` lists."""
    return [
        {
            "name": name,
            "description": text,
            "flags": {
                "hidden": "h" in flags,
                "clusterOnly": False,
                "canBeDisabled": "c" in flags,
                "canCreateAdditionalPlans": "a" in flags,
                "disabledByDefault": "d" in flags,
                "enterpriseOnly": "e" in flags,
            },
        }
        for name, flags, text in _RULES
    ]


def rule_run(requested: Any) -> tuple[frozenset[str], int, int]:
    """The rules a query's ``optimizer.rules`` (``-name``, ``+name``, ``-all``, ``+all``)
    leave disabled, and ArangoDB's ``rulesExecuted``/``rulesSkipped`` for one plan.

    Every rule runs once per plan; hidden rules are not counted, and rules disabled by
    default count as skipped only when a user request could have disabled them.
    """
    flags = {name: f for name, f, _ in _RULES}
    disabled = {name for name, f in flags.items() if "d" in f and "c" in f}
    for entry in requested if isinstance(requested, list) else []:
        if not isinstance(entry, str) or not entry:
            continue
        name = entry[1:] if entry[0] in "+-" else entry
        names = [name] if name in flags else list(flags) if name == "all" else []
        for n in names:
            if entry[0] == "-":
                if "c" in flags[n]:
                    disabled.add(n)
            elif name != "all" or "d" not in flags[n]:
                disabled.discard(n)
    executed = skipped = 0
    for name, f in flags.items():
        if "h" in f:
            continue
        if name not in disabled:
            executed += 1
        elif "d" not in f:
            skipped += 1
    return frozenset(disabled), executed, skipped
