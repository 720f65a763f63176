// `ward-checker escapes`: attempts each escape SPEC section 2 lists.
#pragma once

int run_escape_probes();
