// CloudFormation's short-form intrinsic functions (`!Ref X`, `!Sub '...'`, `!GetAtt [A, B]`) as YAML
// tags. Without a definition the yaml package warns on each one; with these, every tagged node is
// kept as it was written (a scalar, sequence or mapping carrying its tag), so a reader can tell a
// function (a value only known at deploy time) from a literal.

import type { CollectionTag, ScalarTag } from 'yaml';

/** The short forms CloudFormation accepts (AWS docs, "Intrinsic function reference"). */
const FUNCTIONS = [
  'And', 'Base64', 'Cidr', 'Condition', 'Contains', 'Equals', 'FindInMap', 'ForEach', 'GetAtt', 'GetAZs',
  'If', 'ImportValue', 'Join', 'Length', 'Not', 'Or', 'Ref', 'Select', 'Split', 'Sub', 'ToJsonString', 'Transform',
];

/** A tagged value keeps its node: the resolver hands back what it was given. */
export const CLOUDFORMATION_TAGS: Array<ScalarTag | CollectionTag> = FUNCTIONS.flatMap((name) => {
  const tag = `!${name}`;
  return [
    { tag, resolve: (value: string) => value } satisfies ScalarTag,
    { tag, collection: 'seq', resolve: (value) => value } satisfies CollectionTag,
    { tag, collection: 'map', resolve: (value) => value } satisfies CollectionTag,
  ];
});

/** Whether a node carries one of the short-form function tags. */
export function isCloudFormationFunction(node: { tag?: string } | null | undefined): boolean {
  return typeof node?.tag === 'string' && FUNCTIONS.includes(node.tag.slice(1)) && node.tag.startsWith('!');
}
