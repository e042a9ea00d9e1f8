/* The benchmark's floor for graph-heavy files: one pass over an ONNX file's wire format
 * in C, as any reader must make. It maps the file, walks ModelProto → GraphProto →
 * NodeProto (and the subgraphs of GRAPH/GRAPHS attributes), counts the nodes and hashes
 * every node's input and output names (FNV-1a), and skips tensors without reading them.
 * Built by Fixtures/bench/bench.py with `cc -O2`; not part of onnxscope.
 *
 *   wirescan FILE   prints "NODES NAMEHASH"
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static uint64_t nodes, hash = 1469598103934665603ull;

static int varint(const uint8_t **p, const uint8_t *end, uint64_t *v) {
    uint64_t r = 0;
    for (int shift = 0; shift < 64 && *p < end; shift += 7) {
        uint8_t b = *(*p)++;
        r |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) { *v = r; return 1; }
    }
    return 0;
}

enum kind { MODEL, GRAPH, NODE, ATTRIBUTE };

static int walk(const uint8_t *p, const uint8_t *end, enum kind kind, int depth) {
    if (depth > 100) return 0;
    if (kind == NODE) nodes++;
    while (p < end) {
        uint64_t key, len, v;
        if (!varint(&p, end, &key)) return 0;
        unsigned field = (unsigned)(key >> 3), wire = key & 7;
        switch (wire) {
        case 0: if (!varint(&p, end, &v)) return 0; break;
        case 1: p += 8; break;
        case 5: p += 4; break;
        case 2:
            if (!varint(&p, end, &len) || len > (uint64_t)(end - p)) return 0;
            if (kind == MODEL && field == 7) { if (!walk(p, p + len, GRAPH, depth + 1)) return 0; }
            else if (kind == GRAPH && field == 1) { if (!walk(p, p + len, NODE, depth + 1)) return 0; }
            else if (kind == NODE && (field == 1 || field == 2)) {
                for (uint64_t i = 0; i < len; i++) hash = (hash ^ p[i]) * 1099511628211ull;
            } else if (kind == NODE && field == 5) { if (!walk(p, p + len, ATTRIBUTE, depth + 1)) return 0; }
            else if (kind == ATTRIBUTE && (field == 6 || field == 11)) { if (!walk(p, p + len, GRAPH, depth + 1)) return 0; }
            p += len;
            break;
        default: return 0;
        }
    }
    return p == end;
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: wirescan FILE\n"); return 2; }
    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) { perror(argv[1]); return 3; }
    if (st.st_size == 0) { fprintf(stderr, "%s: empty\n", argv[1]); return 3; }
    const uint8_t *base = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (base == MAP_FAILED) { perror("mmap"); return 3; }
    if (!walk(base, base + st.st_size, MODEL, 0)) { fprintf(stderr, "%s: not a model\n", argv[1]); return 3; }
    printf("%llu %016llx\n", (unsigned long long)nodes, (unsigned long long)hash);
    return 0;
}
