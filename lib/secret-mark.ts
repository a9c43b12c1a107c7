// How the project shows a secret value wherever it prints one: config and contract errors, the
// printable plans, the policy pack's view of the inputs. Never the value itself. No imports: the
// policy pack (its own process) loads it.
export const SECRET_MARK = "[secret]";
