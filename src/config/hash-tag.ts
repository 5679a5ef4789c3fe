// INTAKE_PREFIX is the Redis Cluster hash tag of every key the gateway writes: `{hotline}:sub:...`,
// `{hotline}:intake:...` (BullMQ), `{hotline}:acd:...`, `{hotline}:limit:...`. Redis hashes only the text between the
// first `{` and the `}` after it, so all of them land in one slot, where multi-key scripts and MULTI are legal. A
// brace inside the prefix would end the tag early (or start it late) and scatter the keys; an empty one would hash
// every key whole. This is the one rule the config and every key builder check.

/** What the text of a hash tag may be. */
export const HASH_TAG_TEXT = /^[A-Za-z0-9_.-]{1,64}$/;

/** The accepted form, as configuration errors say it. */
export const HASH_TAG_FORM =
  "1-64 letters, digits, '_', '.' or '-' (it becomes the Redis Cluster hash tag {INTAKE_PREFIX} that keeps all the gateway's keys in one slot; a brace would break the tag)";
