// xxHash from the system's libxxhash (Debian: libxxhash-dev).
#include <xxhash.h>
