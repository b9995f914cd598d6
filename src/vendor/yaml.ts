// Loaded only by `gurusup eval` (suite files and `eval init`), bundled into dist/vendor/yaml.cjs.
export { parseDocument, LineCounter, isMap, isSeq, isScalar, isPair, isAlias, visit, stringify } from 'yaml';
export type { Document, Node, YAMLMap, YAMLSeq, Pair, Scalar } from 'yaml';
