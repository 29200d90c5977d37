"""AQL: parser (lark, a port of ArangoDB's grammar), compiler to Python closures, executor."""
