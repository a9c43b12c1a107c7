// Moved to lib/stacks.ts (the stack names and order are shared by ops, lab, harness and tests).
export { deployOrder, destroyOrder, STACK_PREFIXES, validateEnv } from "../lib/stacks";
