// Z3's C API (Debian/Ubuntu: `apt-get install libz3-dev`), imported into Swift
// as the module `CZ3`. Only `ModelCheck/Z3*.swift` use it directly.
#include <z3.h>
