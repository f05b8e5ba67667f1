/* pb.h — helpers for walking protobuf-c messages through their
 * descriptors (the JSON writer and reader in clients/ both do). */
#ifndef LD_PB_H
#define LD_PB_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

/* The size of one element of a repeated field of type `t`: the stride of
 * the array protobuf-c keeps for it. */
size_t ld_pb_elem_size(ProtobufCType t);

#endif
