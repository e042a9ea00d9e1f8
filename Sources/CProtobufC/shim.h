// The protobuf-c runtime, from the system's libprotobuf-c.
#include <protobuf-c/protobuf-c.h>
