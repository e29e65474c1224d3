/* rANS coding in the format of CompressAI's entropy coder; decoding is bounds-checked.
 *
 * The stream format is CompressAI's (64-bit rANS state, 32-bit words, 16-bit probabilities, and
 * a 4-bit "bypass" escape for values outside a table), so every existing .odic file decodes to
 * the same symbols. The difference is that no read here depends on trusting the string: every
 * word read checks the end of the buffer, every table index and symbol is checked against its
 * table, and a bypass run longer than any encoder writes is an error. A crafted string therefore
 * ends in ValueError, never in a read outside the memory it was given (docs/bitstream.md,
 * "Robustness"). A string must also end exactly where its last symbol does, as every encoder's does.
 *
 * The algorithm is F. Giesen's rANS with 64-bit state (ryg_rans, public domain): the state x
 * stays in [2^31, 2^63) between symbols; decoding a symbol reads its cumulative frequency from
 * the low 16 bits, advances x, and pulls one 32-bit little-endian word when x drops below 2^31.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

#define PRECISION 16
#define PRECISION_MASK ((1u << PRECISION) - 1)
#define BYPASS_BITS 4
#define BYPASS_MAX ((1u << BYPASS_BITS) - 1)
/* A raw bypass value is at most 32 bits: an encoder never writes more 4-bit chunks. */
#define MAX_BYPASS_CHUNKS 8
#define STATE_LOW (1ull << 31)

typedef struct {
    uint64_t x;
    const uint8_t *next;
    const uint8_t *end;
} Stream;

/* 0 on success, -1 when the string has no whole word left. */
static int read_word(Stream *s, uint32_t *word) {
    if (s->end - s->next < 4) return -1;
    *word = (uint32_t)s->next[0] | (uint32_t)s->next[1] << 8 | (uint32_t)s->next[2] << 16 |
            (uint32_t)s->next[3] << 24;
    s->next += 4;
    return 0;
}

static int renormalise(Stream *s) {
    uint32_t word;
    if (s->x >= STATE_LOW) return 0;
    if (read_word(s, &word)) return -1;
    s->x = (s->x << 32) | word;
    return 0;
}

static int get_bits(Stream *s, uint32_t *value) {
    *value = (uint32_t)(s->x & BYPASS_MAX);
    s->x >>= BYPASS_BITS;
    return renormalise(s);
}

/* Why an error: returned as the message of the ValueError. */
static const char *decode_all(Stream *s, const int32_t *indexes, Py_ssize_t count, const int32_t *cdfs,
                              Py_ssize_t tables, Py_ssize_t stride, const int32_t *sizes,
                              const int32_t *offsets, int32_t *out) {
    uint32_t low, high;
    if (read_word(s, &low) || read_word(s, &high)) return "string shorter than an rANS state";
    s->x = (uint64_t)low | (uint64_t)high << 32;
    for (Py_ssize_t i = 0; i < count; ++i) {
        const int32_t index = indexes[i];
        if (index < 0 || index >= tables) return "table index out of range";
        const int32_t *cdf = cdfs + (Py_ssize_t)index * stride;
        const int32_t size = sizes[index];
        if (size < 2 || size > stride) return "table size out of range";
        /* The symbol is one before the first entry above the cumulative frequency. */
        const uint32_t cumulative = (uint32_t)(s->x & PRECISION_MASK);
        int32_t next = 0;
        while (next < size && (uint32_t)cdf[next] <= cumulative) ++next;
        if (next == 0 || next > size - 1) return "cumulative frequency outside the table";
        const int32_t symbol = next - 1;
        const uint64_t start = (uint32_t)cdf[symbol], frequency = (uint32_t)(cdf[next] - cdf[symbol]);
        s->x = frequency * (s->x >> PRECISION) + (s->x & PRECISION_MASK) - start;
        if (renormalise(s)) return "string ends before its last symbol";
        int64_t value = symbol;
        const int32_t escape = size - 2;
        if (symbol == escape) {
            /* The count of 4-bit chunks: an encoder continues it (chunk 15) only past 14 chunks,
             * which no 32-bit value needs, so a count above 8 is never valid. */
            uint32_t chunk, chunks;
            if (get_bits(s, &chunks)) return "string ends inside a bypass value";
            if (chunks > MAX_BYPASS_CHUNKS) return "bypass value longer than 32 bits";
            uint64_t raw = 0;
            for (uint32_t j = 0; j < chunks; ++j) {
                if (get_bits(s, &chunk)) return "string ends inside a bypass value";
                raw |= (uint64_t)chunk << (BYPASS_BITS * j);
            }
            value = (int64_t)(raw >> 1);
            value = (raw & 1) ? -value - 1 : value + escape;
        }
        value += offsets[index];
        if (value < INT32_MIN || value > INT32_MAX) return "symbol outside the 32-bit range";
        out[i] = (int32_t)value;
    }
    /* An encoder writes exactly the words its decoder reads: anything left over is not its output. */
    if (s->next != s->end) return "string longer than its symbols";
    return NULL;
}

static int int32_buffer(Py_buffer *view, const char *name) {
    if (view->len % 4 != 0 || (view->itemsize != 4 && view->itemsize != 1)) {
        PyErr_Format(PyExc_TypeError, "%s must be a contiguous int32 buffer", name);
        return -1;
    }
    return 0;
}

PyDoc_STRVAR(decode_doc,
"decode(string, indexes, cdfs, stride, sizes, offsets) -> bytes\n\n"
"Decode one symbol per entry of ``indexes`` (int32) from ``string``; symbol i uses table\n"
"``indexes[i]``: row ``indexes[i]`` of ``cdfs`` (int32, rows of ``stride`` entries), of which the\n"
"first ``sizes[i]`` are its cumulative frequencies, and ``offsets[i]`` is its first value.\n"
"Returns the symbols as native int32 bytes; a string that is not a valid stream for these\n"
"tables raises ValueError.");

static PyObject *decode(PyObject *self, PyObject *args) {
    Py_buffer string, indexes, cdfs, sizes, offsets;
    Py_ssize_t stride;
    PyObject *result = NULL;
    const char *error = NULL;
    if (!PyArg_ParseTuple(args, "y*y*y*ny*y*", &string, &indexes, &cdfs, &stride, &sizes, &offsets)) return NULL;
    if (int32_buffer(&indexes, "indexes") || int32_buffer(&cdfs, "cdfs") || int32_buffer(&sizes, "sizes") ||
        int32_buffer(&offsets, "offsets"))
        goto done;
    const Py_ssize_t count = indexes.len / 4, tables = sizes.len / 4;
    if (stride < 2 || cdfs.len / 4 != tables * stride || offsets.len / 4 != tables) {
        PyErr_SetString(PyExc_ValueError, "cdfs, sizes and offsets describe different numbers of tables");
        goto done;
    }
    result = PyBytes_FromStringAndSize(NULL, count * 4);
    if (result == NULL) goto done;
    Stream stream = {0, (const uint8_t *)string.buf, (const uint8_t *)string.buf + string.len};
    Py_BEGIN_ALLOW_THREADS
    error = decode_all(&stream, (const int32_t *)indexes.buf, count, (const int32_t *)cdfs.buf, tables, stride,
                       (const int32_t *)sizes.buf, (const int32_t *)offsets.buf,
                       (int32_t *)PyBytes_AS_STRING(result));
    Py_END_ALLOW_THREADS
    if (error != NULL) {
        Py_CLEAR(result);
        PyErr_SetString(PyExc_ValueError, error);
    }
done:
    PyBuffer_Release(&string);
    PyBuffer_Release(&indexes);
    PyBuffer_Release(&cdfs);
    PyBuffer_Release(&sizes);
    PyBuffer_Release(&offsets);
    return result;
}

/* Encoding: the inverse of decode_all, writing the words CompressAI's BufferedRansEncoder writes
 * (its encode_with_indexes, then flush), so files are the same byte for byte. rANS encodes in
 * reverse: the last symbol first, into a buffer filled from its end. A symbol outside its table's
 * range is coded as the escape symbol followed by "bypass" 4-bit chunks: their count, then the raw
 * value (zig-zag: 2v for values above the range, -2v-1 below). */
#define MAX_PARTS (2 + MAX_BYPASS_CHUNKS)

typedef struct {
    uint32_t start, range;
    int bypass;
} Part;

/* The parts symbol i is coded as, in decoding order; returns how many, or -1 for a bad table. */
static int parts_of(int32_t symbol, int32_t index, Py_ssize_t tables, const int32_t *cdfs, Py_ssize_t stride,
                    const int32_t *sizes, const int32_t *offsets, Part *parts) {
    if (index < 0 || index >= tables || sizes[index] < 3 || sizes[index] > stride) return -1;
    const int32_t *cdf = cdfs + (Py_ssize_t)index * stride;
    const int32_t escape = sizes[index] - 2;
    int64_t value = (int64_t)symbol - offsets[index];
    uint64_t raw = 0;
    if (value < 0) {
        raw = (uint64_t)(-2 * value - 1);
        value = escape;
    } else if (value >= escape) {
        raw = (uint64_t)(2 * (value - escape));
        value = escape;
    }
    int n = 0;
    parts[n++] = (Part){(uint32_t)cdf[value], (uint32_t)(cdf[value + 1] - cdf[value]), 0};
    if (value == escape) {
        if (raw >> 32) return -1;  /* a 32-bit symbol never needs more than 32 bits */
        uint32_t chunks = 0;
        while (raw >> (BYPASS_BITS * chunks)) ++chunks;
        parts[n++] = (Part){chunks, 1, 1};  /* chunks <= 8 < 15: the count is one chunk */
        for (uint32_t j = 0; j < chunks; ++j) parts[n++] = (Part){(uint32_t)(raw >> (BYPASS_BITS * j)) & BYPASS_MAX, 1, 1};
    }
    return n;
}

static void put(uint64_t *x, uint32_t **next, Part part) {
    /* A bypass chunk is a symbol of probability 2^-BYPASS_BITS; both flush a word when x would
     * leave [2^31, 2^63) (ryg_rans's Rans64EncPut, CompressAI's Rans64EncPutBits). */
    const uint64_t frequency = part.bypass ? 1u << (PRECISION - BYPASS_BITS) : part.range;
    if (*x >= ((STATE_LOW >> PRECISION) << 32) * frequency) {
        *--*next = (uint32_t)*x;
        *x >>= 32;
    }
    *x = part.bypass ? (*x << BYPASS_BITS) | part.start
                     : ((*x / part.range) << PRECISION) + (*x % part.range) + part.start;
}

PyDoc_STRVAR(encode_doc,
"encode(symbols, indexes, cdfs, stride, sizes, offsets) -> bytes\n\n"
"The rANS string of ``symbols`` (int32), symbol i coded with table ``indexes[i]`` (see decode):\n"
"the bytes CompressAI's RansEncoder.encode_with_indexes writes for the same arguments.");

static PyObject *encode(PyObject *self, PyObject *args) {
    Py_buffer symbols, indexes, cdfs, sizes, offsets;
    Py_ssize_t stride;
    PyObject *result = NULL;
    uint32_t *words = NULL;
    if (!PyArg_ParseTuple(args, "y*y*y*ny*y*", &symbols, &indexes, &cdfs, &stride, &sizes, &offsets)) return NULL;
    if (int32_buffer(&symbols, "symbols") || int32_buffer(&indexes, "indexes") || int32_buffer(&cdfs, "cdfs") ||
        int32_buffer(&sizes, "sizes") || int32_buffer(&offsets, "offsets"))
        goto done;
    const Py_ssize_t count = indexes.len / 4, tables = sizes.len / 4;
    if (symbols.len != indexes.len || stride < 2 || cdfs.len / 4 != tables * stride || offsets.len / 4 != tables) {
        PyErr_SetString(PyExc_ValueError, "symbols, indexes and tables do not match");
        goto done;
    }
    const int32_t *sym = (const int32_t *)symbols.buf, *idx = (const int32_t *)indexes.buf;
    const int32_t *cdf = (const int32_t *)cdfs.buf, *size = (const int32_t *)sizes.buf;
    const int32_t *offset = (const int32_t *)offsets.buf;
    /* Every part writes at most one word: count them to size the buffer. */
    Part parts[MAX_PARTS];
    Py_ssize_t capacity = 2;
    for (Py_ssize_t i = 0; i < count; ++i) {
        const int n = parts_of(sym[i], idx[i], tables, cdf, stride, size, offset, parts);
        if (n < 0) {
            PyErr_SetString(PyExc_ValueError, "a table index or symbol the tables cannot code");
            goto done;
        }
        capacity += n;
    }
    words = PyMem_Malloc(capacity * sizeof(uint32_t));
    if (words == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    uint32_t *next = words + capacity;
    uint64_t x = STATE_LOW;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = count - 1; i >= 0; --i) {
        const int n = parts_of(sym[i], idx[i], tables, cdf, stride, size, offset, parts);
        for (int j = n - 1; j >= 0; --j) put(&x, &next, parts[j]);
    }
    next -= 2;
    next[0] = (uint32_t)x;
    next[1] = (uint32_t)(x >> 32);
    Py_END_ALLOW_THREADS
    /* Words are little-endian in the stream, as decode reads them. */
    const Py_ssize_t used = words + capacity - next;
    result = PyBytes_FromStringAndSize(NULL, used * 4);
    if (result != NULL) {
        uint8_t *out = (uint8_t *)PyBytes_AS_STRING(result);
        for (Py_ssize_t i = 0; i < used; ++i) {
            out[4 * i] = (uint8_t)next[i];
            out[4 * i + 1] = (uint8_t)(next[i] >> 8);
            out[4 * i + 2] = (uint8_t)(next[i] >> 16);
            out[4 * i + 3] = (uint8_t)(next[i] >> 24);
        }
    }
done:
    PyMem_Free(words);
    PyBuffer_Release(&symbols);
    PyBuffer_Release(&indexes);
    PyBuffer_Release(&cdfs);
    PyBuffer_Release(&sizes);
    PyBuffer_Release(&offsets);
    return result;
}

static PyMethodDef methods[] = {
    {"decode", decode, METH_VARARGS, decode_doc},
    {"encode", encode, METH_VARARGS, encode_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_rans", "rANS coding in CompressAI's format, bounds-checked.", -1, methods};

PyMODINIT_FUNC PyInit__rans(void) { return PyModule_Create(&module); }
