/*
 * Compiled inner loop of the chamber enumeration (arrangement/geometry/enumeration.py).
 *
 * The same deletion-restriction recursion as the numpy path `_chambers` (which stays the
 * reference and the fallback): hyperplanes are inserted one at a time, the chambers of the
 * restriction to H_k (enumerated recursively, one dimension lower) locate the chambers that H_k
 * cuts, and each cut chamber gets a new witness T x - a or T x + a.
 *
 * Exactness.  Every integer that is stored (normals, restricted normals, witnesses) is checked to
 * satisfy |v| < 2^60.  Every sign is the sign of a dot product of at most 64 such integers,
 * computed in __int128 (each product < 2^120, a sum of 64 of them < 2^126: no overflow).  When a
 * value would leave that range the kernel gives up (returns None) and the caller runs the exact
 * numpy / Python-int path instead.  Floats appear in one place only: they propose smaller
 * witnesses (rounded multiples of a witness direction), each of which is kept only after its
 * exact sign vector is checked.
 *
 * Restriction.  For a = normals[k] with pivot p (the non-zero entry of least absolute value), the
 * map z -> x, x_j = |a_p| z_j (j != p), x_p = -sgn(a_p) sum_{j != p} a_j z_j, sends Z^{D-1} into
 * H_k, and <b, x> = <c, z> with c_j = |a_p| b_j - sgn(a_p) a_j b_p.  Each c is divided by the gcd of
 * its entries and oriented canonically (first non-zero entry positive); the primitive vector is
 * unique, so its entries are bounded by the minors of the input whichever way it is computed.
 *
 * Threads.  The GIL is released while the kernel computes; it is taken back between two
 * insertions of the top level, for Ctrl-C (PyErr_CheckSignals) and the progress callback.
 *
 * Location.  Every chamber carries a 64-bit code (sum of random weights of the hyperplanes on
 * whose positive side it lies, mod 2^64).  The located sign vectors are put in a hash table on
 * their codes; every old chamber whose code is found is compared sign by sign, so a collision
 * can cost time but never a wrong answer.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef __int128 i128;

#define MAXDIM 64
#define LIM ((int64_t)1 << 60)

enum { K_OK = 0, K_GIVE_UP = 1, K_NOMEM = 2, K_PYERR = 3 };

typedef struct {
    int64_t r, cap;
    int n, dim;
    int8_t *signs;   /* cap x n, row-major */
    uint64_t *codes; /* cap */
    int64_t *wits;   /* cap x dim */
    int64_t wmax;    /* a bound on the absolute values of the witnesses */
} store_t;

static void store_free(store_t *s) {
    free(s->signs);
    free(s->codes);
    free(s->wits);
    s->signs = NULL;
    s->codes = NULL;
    s->wits = NULL;
}

static int store_init(store_t *s, int n, int dim, int64_t cap) {
    s->r = 0;
    s->wmax = 0;
    s->cap = cap < 4 ? 4 : cap;
    s->n = n;
    s->dim = dim;
    s->signs = malloc((size_t)s->cap * (size_t)(n > 0 ? n : 1));
    s->codes = malloc((size_t)s->cap * sizeof(uint64_t));
    s->wits = malloc((size_t)s->cap * (size_t)dim * sizeof(int64_t));
    if (!s->signs || !s->codes || !s->wits) {
        store_free(s);
        return K_NOMEM;
    }
    return K_OK;
}

static int store_reserve(store_t *s, int64_t need) {
    if (need <= s->cap) return K_OK;
    int64_t cap = 2 * s->cap > need ? 2 * s->cap : need;
    int8_t *sg = realloc(s->signs, (size_t)cap * (size_t)(s->n > 0 ? s->n : 1));
    if (!sg) return K_NOMEM;
    s->signs = sg;
    uint64_t *cd = realloc(s->codes, (size_t)cap * sizeof(uint64_t));
    if (!cd) return K_NOMEM;
    s->codes = cd;
    int64_t *wt = realloc(s->wits, (size_t)cap * (size_t)s->dim * sizeof(int64_t));
    if (!wt) return K_NOMEM;
    s->wits = wt;
    s->cap = cap;
    return K_OK;
}

static inline int64_t iabs64(int64_t v) { return v < 0 ? -v : v; }
static inline i128 iabs128(i128 v) { return v < 0 ? -v : v; }
static inline int sgn128(i128 v) { return (v > 0) - (v < 0); }

static inline i128 dot128(const int64_t *x, const int64_t *y, int dim) {
    i128 s = 0;
    for (int j = 0; j < dim; j++) s += (i128)x[j] * (i128)y[j];
    return s;
}

/* |x| * |y| * dim stays below 2^62 for |x| <= xmax, |y| <= ymax: an int64 dot product is exact. */
static inline int fits64(int64_t xmax, int64_t ymax, int dim) {
    return (i128)xmax * (i128)ymax * dim < ((i128)1 << 62);
}

static inline int64_t dot64(const int64_t *x, const int64_t *y, int dim) {
    switch (dim) { /* unrolled for the usual dimensions */
    case 2:
        return x[0] * y[0] + x[1] * y[1];
    case 3:
        return x[0] * y[0] + x[1] * y[1] + x[2] * y[2];
    case 4:
        return x[0] * y[0] + x[1] * y[1] + x[2] * y[2] + x[3] * y[3];
    case 5:
        return x[0] * y[0] + x[1] * y[1] + x[2] * y[2] + x[3] * y[3] + x[4] * y[4];
    default: {
        int64_t s = 0;
        for (int j = 0; j < dim; j++) s += x[j] * y[j];
        return s;
    }
    }
}

static inline int sgn64(int64_t v) { return (v > 0) - (v < 0); }

static inline int64_t vmax(const int64_t *x, int dim) {
    int64_t m = 0;
    for (int j = 0; j < dim; j++)
        if (iabs64(x[j]) > m) m = iabs64(x[j]);
    return m;
}

/* gcd of |a| and |b| (binary; entries are below 2^60 in absolute value). */
static int64_t gcd64(int64_t a, int64_t b) {
    uint64_t x = (uint64_t)iabs64(a), y = (uint64_t)iabs64(b);
    if (!x) return (int64_t)y;
    if (!y) return (int64_t)x;
    int shift = __builtin_ctzll(x | y);
    x >>= __builtin_ctzll(x);
    do {
        y >>= __builtin_ctzll(y);
        if (x > y) {
            uint64_t t = y;
            y = x;
            x = t;
        }
        y -= x;
    } while (y);
    return (int64_t)(x << shift);
}

/* Divide a vector by the gcd of its entries (a positive rescaling). */
static void reduce_vec(int64_t *w, int dim) {
    int64_t g = 0;
    for (int j = 0; j < dim && g != 1; j++) g = gcd64(g, w[j]);
    if (g > 1)
        for (int j = 0; j < dim; j++) w[j] /= g;
}

/* Whether sign <cand, normals_j> == signs[j] for j < k (exact; amax bounds the normals). */
static int signs_match(const int64_t *cand, const int64_t *normals, int64_t amax, int dim,
                       const int8_t *signs, int k, int *hint) {
    /* The hyperplane that stopped the last candidate is tried first (it usually stops this one
       too); the full check follows, so the answer does not depend on the hint. */
    if (fits64(vmax(cand, dim), amax, dim)) {
        int h = *hint < k ? *hint : 0;
        if (sgn64(dot64(cand, normals + (size_t)h * dim, dim)) != signs[h]) return 0;
        for (int j = 0; j < k; j++)
            if (sgn64(dot64(cand, normals + (size_t)j * dim, dim)) != signs[j]) {
                *hint = j;
                return 0;
            }
        return 1;
    }
    for (int j = 0; j < k; j++)
        if (sgn128(dot128(cand, normals + (size_t)j * dim, dim)) != signs[j]) return 0;
    return 1;
}

/*
 * Replace witness w (strictly inside the chamber with sign vector `signs` on normals 0..k-1) by a
 * rounded multiple of its direction when one passes the exact sign check.  Entries at most
 * `above` are left alone.
 */
static void shrink(int64_t *w, const int64_t *normals, int64_t amax, int dim, const int8_t *signs,
                   int k, int64_t above, int *hint) {
    static const int bits[] = {2, 4, 7, 11, 16, 24, 34, 46};
    int64_t big = 0;
    for (int j = 0; j < dim; j++)
        if (iabs64(w[j]) > big) big = iabs64(w[j]);
    if (big <= above) return;
    double dir[MAXDIM];
    for (int j = 0; j < dim; j++) dir[j] = (double)w[j] / (double)big;
    int64_t cand[MAXDIM];
    for (size_t b = 0; b < sizeof(bits) / sizeof(bits[0]); b++) {
        if (big <= ((int64_t)1 << bits[b])) return;
        double scale = ldexp(1.0, bits[b]);
        for (int j = 0; j < dim; j++) cand[j] = (int64_t)rint(dir[j] * scale);
        if (signs_match(cand, normals, amax, dim, signs, k, hint)) {
            reduce_vec(cand, dim);
            memcpy(w, cand, (size_t)dim * sizeof(int64_t));
            return;
        }
    }
}

/* ------------------------------------------------------------------ the plane: angular sort */

typedef struct {
    int64_t x, y;
} ray_t;

static inline int half_of(const ray_t *u) { return (u->y > 0 || (u->y == 0 && u->x > 0)) ? 0 : 1; }

static int ray_cmp(const void *pa, const void *pb) {
    const ray_t *u = pa, *v = pb;
    int hu = half_of(u), hv = half_of(v);
    if (hu != hv) return hu - hv;
    i128 cross = (i128)u->x * v->y - (i128)u->y * v->x;
    return cross > 0 ? -1 : (cross < 0 ? 1 : 0);
}

static int chambers_2d(const int64_t *normals, int n, const int8_t *fixed, int m, store_t *out) {
    for (int i = 0; i < 2 * n; i++)
        if (iabs64(normals[i]) >= ((int64_t)1 << 58)) return K_GIVE_UP;
    int nw = n == 1 ? 2 : 2 * n;
    int64_t *w = malloc((size_t)nw * 2 * sizeof(int64_t));
    if (!w) return K_NOMEM;
    if (n == 1) {
        w[0] = normals[0];
        w[1] = normals[1];
        w[2] = -normals[0];
        w[3] = -normals[1];
    } else {
        ray_t *rays = malloc((size_t)nw * sizeof(ray_t));
        if (!rays) {
            free(w);
            return K_NOMEM;
        }
        /* Only the rays in the closure of the cone (all of them when m = 0) bound its chambers:
           sorting those alone keeps a narrow cone cheap. */
        int nr = 0;
        for (int i = 0; i < n; i++) {
            for (int s = 1; s >= -1; s -= 2) {
                ray_t v = {-s * normals[2 * i + 1], s * normals[2 * i]};
                int in = 1;
                for (int j = 0; j < m && in; j++) {
                    i128 d = (i128)v.x * normals[2 * j] + (i128)v.y * normals[2 * j + 1];
                    if (sgn128(d) == -fixed[j]) in = 0;
                }
                if (in) rays[nr++] = v;
            }
        }
        qsort(rays, (size_t)nr, sizeof(ray_t), ray_cmp);
        /* Consecutive rays of the whole circle make an angle in (0, pi) when n >= 2, so their sum
           is interior.  Inside a cone the pair that closes the circle around the outside makes an
           angle of at least pi: the exact cross product leaves it out. */
        nw = 0;
        for (int i = 0; i < nr; i++) {
            const ray_t *u = &rays[i], *v = &rays[(i + 1) % nr];
            if ((i128)u->x * v->y - (i128)u->y * v->x <= 0) continue;
            w[2 * nw] = u->x + v->x;
            w[2 * nw + 1] = u->y + v->y;
            nw++;
        }
        free(rays);
    }
    int rc = store_init(out, n, 2, nw);
    if (rc) {
        free(w);
        return rc;
    }
    int64_t r = 0;
    for (int i = 0; i < nw; i++) {
        int8_t *row = out->signs + (size_t)r * n;
        int ok = 1;
        for (int j = 0; j < n; j++) {
            i128 v = (i128)w[2 * i] * normals[2 * j] + (i128)w[2 * i + 1] * normals[2 * j + 1];
            row[j] = (int8_t)sgn128(v);
            if (j < m && row[j] != fixed[j]) {
                ok = 0;
                break;
            }
        }
        if (!ok) continue;
        out->wits[2 * r] = w[2 * i];
        out->wits[2 * r + 1] = w[2 * i + 1];
        reduce_vec(out->wits + 2 * r, 2);
        r++;
    }
    out->r = r;
    free(w);
    return K_OK;
}

/* ------------------------------------------------------------------ restriction */

static inline uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/*
 * Restrict normals[0..k) to H = normals[k]: distinct canonical primitive rows `unique` (u x
 * (dim-1), order of first appearance), `index[j]` and `orient[j]` with
 * sign <b_j, x(z)> = orient[j] * sign <unique[index[j]], z>.  Returns K_GIVE_UP on overflow or
 * on a normal parallel to H.
 */
static int restrict_rows(const int64_t *normals, int k, int dim, int p, int64_t *unique, int *nu,
                         int *index, int8_t *orient) {
    const int64_t *a = normals + (size_t)k * dim;
    int64_t ap = iabs64(a[p]);
    int sa = a[p] > 0 ? 1 : -1;
    int sd = dim - 1;
    int tsize = 16;
    while (tsize < 2 * k) tsize <<= 1;
    int *table = malloc((size_t)tsize * sizeof(int));
    if (!table) return K_NOMEM;
    for (int i = 0; i < tsize; i++) table[i] = -1;
    int u = 0;
    int64_t c[MAXDIM];
    for (int j = 0; j < k; j++) {
        const int64_t *b = normals + (size_t)j * dim;
        int64_t g = 0;
        for (int i = 0, t = 0; i < dim; i++) {
            if (i == p) continue;
            i128 v = (i128)ap * b[i] - (i128)sa * (i128)a[i] * b[p];
            if (v >= LIM || v <= -LIM) {
                free(table);
                return K_GIVE_UP;
            }
            c[t] = (int64_t)v;
            g = gcd64(g, c[t]);
            t++;
        }
        if (g == 0) {
            free(table);
            return K_GIVE_UP; /* b parallel to a: never for distinct canonical normals */
        }
        int lead = 0;
        while (c[lead] == 0) lead++;
        int8_t o = c[lead] > 0 ? 1 : -1;
        uint64_t h = 0x9e3779b97f4a7c15ULL;
        for (int t = 0; t < sd; t++) {
            c[t] = c[t] / g * o;
            h = mix64(h ^ (uint64_t)c[t]);
        }
        orient[j] = o;
        size_t slot = h & (size_t)(tsize - 1);
        for (;;) {
            int e = table[slot];
            if (e < 0) {
                table[slot] = u;
                memcpy(unique + (size_t)u * sd, c, (size_t)sd * sizeof(int64_t));
                index[j] = u++;
                break;
            }
            if (!memcmp(unique + (size_t)e * sd, c, (size_t)sd * sizeof(int64_t))) {
                index[j] = e;
                break;
            }
            slot = (slot + 1) & (size_t)(tsize - 1);
        }
    }
    free(table);
    *nu = u;
    return K_OK;
}

/* ------------------------------------------------------------------ the recursion */

typedef struct {
    const uint64_t *weights;
    int64_t above_inner, above_top;
    PyObject *progress;
    PyThreadState **saved; /* the GIL is released while the kernel computes */
} ctx_t;

static int chambers(const ctx_t *cx, const int64_t *normals, int n, int dim, const int8_t *fixed,
                    int m, store_t *out, int top);

/* The slot of a code in a table of 2^(64 - shift) slots (Fibonacci hashing: one product). */
static inline size_t fib_slot(uint64_t code, int shift) {
    return (size_t)((code * 0x9e3779b97f4a7c15ULL) >> shift);
}

/* A slot of the hash table of located sign vectors: the code inline, t = -1 when empty. */
typedef struct {
    uint64_t code;
    int64_t t;
} slot_t;

/* Work buffers of one insertion, freed together. */
typedef struct {
    int64_t *unique;
    int *index;
    int8_t *orient, *sub_fixed, *side, *loc;
    uint64_t *loc_codes;
    i128 *cross;
    int64_t *cabs; /* |cross| when every one is below 2^62 */
    int64_t *hit, *newwit;
    int8_t *newside;
    slot_t *table;
    uint64_t *filter; /* one bit per 2^-fshift of the code space: most old chambers stop here */
} bufs_t;

static void bufs_free(bufs_t *b) {
    free(b->unique);
    free(b->index);
    free(b->orient);
    free(b->sub_fixed);
    free(b->side);
    free(b->loc);
    free(b->loc_codes);
    free(b->cross);
    free(b->cabs);
    free(b->hit);
    free(b->newwit);
    free(b->newside);
    free(b->table);
    free(b->filter);
    memset(b, 0, sizeof(*b));
}

/* One insertion, in three phases (so that two insertions can share one pass over the chambers):
   step_prepare (the restriction and the located sign vectors), step_row (one old chamber: its
   side, its location, its new sign), step_complete (the new chambers). */
typedef struct {
    int k, p, sa, nu, sd;
    int64_t ap, u, found;
    const int64_t *a;
    uint64_t wk;
    store_t sub;
    bufs_t bf;
    size_t mask;
    int shift, fshift;
} step_t;

static void step_free(step_t *s) {
    store_free(&s->sub);
    bufs_free(&s->bf);
}

static int step_prepare(const ctx_t *cx, const int64_t *normals, int dim, int k,
                        const int8_t *fixed, int m, int64_t rows, step_t *s) {
    bufs_t *bf = &s->bf;
    const int64_t *a = normals + (size_t)k * dim;
    const uint64_t *weights = cx->weights;
    int sd = dim - 1;
    int p = -1;
    for (int i = 0; i < dim; i++)
        if (a[i] != 0 && (p < 0 || iabs64(a[i]) < iabs64(a[p]))) p = i;
    if (p < 0) return K_GIVE_UP;
    s->k = k;
    s->a = a;
    s->p = p;
    s->sd = sd;
    s->ap = iabs64(a[p]);
    s->sa = a[p] > 0 ? 1 : -1;
    s->wk = weights[k];
    s->found = 0;
    s->mask = 0;
    s->shift = 63;
    s->fshift = 63;
    bf->unique = malloc((size_t)k * sd * sizeof(int64_t));
    bf->index = malloc((size_t)k * sizeof(int));
    bf->orient = malloc((size_t)k);
    bf->sub_fixed = malloc((size_t)k + 1);
    if (!bf->unique || !bf->index || !bf->orient || !bf->sub_fixed) return K_NOMEM;
    int nu = 0;
    int rc = restrict_rows(normals, k, dim, p, bf->unique, &nu, bf->index, bf->orient);
    if (rc) return rc;
    s->nu = nu;
    /* The cone K, seen inside H_k: signs on a prefix of the restricted hyperplanes. */
    int lim = k < m ? k : m;
    int sub_m = 0, empty = 0;
    memset(bf->sub_fixed, 0, (size_t)k + 1);
    for (int j = 0; j < lim; j++) {
        int e = bf->index[j];
        int8_t want = (int8_t)(fixed[j] * bf->orient[j]);
        if (bf->sub_fixed[e] == 0)
            bf->sub_fixed[e] = want;
        else if (bf->sub_fixed[e] != want)
            empty = 1; /* K does not meet H_k */
        if (e + 1 > sub_m) sub_m = e + 1;
    }
    if (!empty) {
        rc = chambers(cx, bf->unique, nu, sd, bf->sub_fixed, sub_m, &s->sub, 0);
        if (rc) return rc;
    }
    int64_t u = s->sub.r;
    s->u = u;
    /* The side of H_k of each chamber that is there when H_k is inserted (0: it is cut). */
    bf->side = malloc((size_t)(rows > 0 ? rows : 1));
    if (!bf->side) return K_NOMEM;
    if (!u) return K_OK;
    bf->loc = malloc((size_t)u * k);
    bf->loc_codes = malloc((size_t)u * sizeof(uint64_t));
    bf->cross = malloc((size_t)k * sizeof(i128));
    bf->cabs = malloc((size_t)k * sizeof(int64_t));
    bf->hit = malloc((size_t)u * sizeof(int64_t));
    bf->newwit = malloc((size_t)u * dim * sizeof(int64_t));
    bf->newside = malloc((size_t)u);
    size_t tsize = 16;
    while ((int64_t)tsize < 4 * u) tsize <<= 1; /* mostly empty: most probes miss */
    bf->table = malloc((size_t)tsize * sizeof(slot_t));
    bf->filter = calloc(tsize / 16 + 1, sizeof(uint64_t)); /* 4 tsize bits = 16 u or more */
    if (!bf->loc || !bf->loc_codes || !bf->cross || !bf->cabs || !bf->hit || !bf->newwit ||
        !bf->newside || !bf->table || !bf->filter)
        return K_NOMEM;
    /* Sign vectors (w.r.t. H_0..H_{k-1}) of the points x(z), one per restricted chamber. */
    for (int64_t t = 0; t < u; t++) {
        const int8_t *ss = s->sub.signs + (size_t)t * nu;
        int8_t *lt = bf->loc + (size_t)t * k;
        uint64_t code = 0;
        for (int j = 0; j < k; j++) {
            int8_t sg = (int8_t)(ss[bf->index[j]] * bf->orient[j]);
            lt[j] = sg;
            if (sg > 0) code += weights[j];
        }
        bf->loc_codes[t] = code;
        bf->hit[t] = -1;
    }
    for (size_t i = 0; i < tsize; i++) bf->table[i].t = -1;
    s->mask = tsize - 1;
    s->shift = 64 - __builtin_ctzll((unsigned long long)tsize);
    s->fshift = s->shift - 2;
    for (int64_t t = 0; t < u; t++) {
        size_t bit = fib_slot(bf->loc_codes[t], s->fshift);
        bf->filter[bit >> 6] |= (uint64_t)1 << (bit & 63);
        size_t slot = fib_slot(bf->loc_codes[t], s->shift);
        while (bf->table[slot].t >= 0) slot = (slot + 1) & s->mask;
        bf->table[slot].code = bf->loc_codes[t];
        bf->table[slot].t = t;
    }
    return K_OK;
}

/* Chamber i meets the insertion of H_k: record its side si, locate it among the cut chambers (by
   code, confirmed sign by sign, before the code moves on), write its new sign. */
static inline void step_row(step_t *s, store_t *st, int64_t i, int8_t si) {
    bufs_t *bf = &s->bf;
    int k = s->k;
    int8_t *row = st->signs + (size_t)i * st->n;
    uint64_t code = st->codes[i];
    bf->side[i] = si;
    size_t bit = fib_slot(code, s->fshift);
    if (s->found < s->u && (bf->filter[bit >> 6] >> (bit & 63) & 1)) {
        size_t slot = fib_slot(code, s->shift);
        for (int64_t e; (e = bf->table[slot].t) >= 0; slot = (slot + 1) & s->mask) {
            if (bf->table[slot].code != code || bf->hit[e] >= 0) continue;
            if (memcmp(row, bf->loc + (size_t)e * k, (size_t)k)) continue;
            bf->hit[e] = i;
            s->found++;
            break;
        }
    }
    row[k] = si;
    st->codes[i] = code + (s->wk & (0 - (uint64_t)(si > 0))); /* no branch on a random sign */
}

static inline int8_t side_of(const store_t *st, int64_t i, const int64_t *a, int fast) {
    const int64_t *w = st->wits + (size_t)i * st->dim;
    return (int8_t)(fast ? sgn64(dot64(w, a, st->dim)) : sgn128(dot128(w, a, st->dim)));
}

/* The new chambers of the insertion: two witnesses per cut chamber, appended to the store. */
static int step_complete(const ctx_t *cx, const int64_t *normals, int64_t amax, int dim,
                         step_t *s, store_t *st) {
    bufs_t *bf = &s->bf;
    int k = s->k, p = s->p, sd = s->sd;
    int64_t u = s->u, r = st->r, ap = s->ap;
    const int64_t *a = s->a;
    if (!u) return K_OK;
    if (s->found != u) return K_GIVE_UP; /* cannot happen: every located vector is a chamber */
    int cross_small = 1; /* every |<a_j, a>| below 2^62 */
    for (int j = 0; j < k; j++) {
        bf->cross[j] = dot128(normals + (size_t)j * dim, a, dim);
        if (iabs128(bf->cross[j]) >= ((i128)1 << 62)) cross_small = 0;
        else bf->cabs[j] = (int64_t)iabs128(bf->cross[j]);
    }
    int64_t x[MAXDIM];
    int64_t plus[MAXDIM], minus[MAXDIM];
    int8_t *scratch = malloc((size_t)k + 1);
    if (!scratch) return K_NOMEM;
    int64_t above = cx->above_inner;
    int hint = 0;
    for (int64_t t = 0; t < u; t++) {
        const int64_t *z = s->sub.wits + (size_t)t * sd;
        i128 xp = 0;
        for (int i = 0, q = 0; i < dim; i++) {
            if (i == p) continue;
            i128 v = (i128)ap * z[q];
            if (v >= LIM || v <= -LIM) goto overflow;
            x[i] = (int64_t)v;
            xp += (i128)a[i] * z[q];
            q++;
        }
        xp = s->sa > 0 ? -xp : xp;
        if (xp >= LIM || xp <= -LIM) goto overflow;
        x[p] = (int64_t)xp;
        /* T > |<a_j, a>| / |<a_j, x>| for every j keeps all old signs of T x +- a. */
        i128 tm = 0;
        int small = fits64(vmax(x, dim), amax, dim);
        if (small && cross_small) {
            /* The same in int64: |<a_j, x>| < 2^62, |<a_j, a>| < 2^62, and (tm + 1) v is
               formed only below 2^31 * 2^32. */
            int64_t tm64 = 0;
            for (int j = 0; j < k; j++) {
                int64_t v = iabs64(dot64(x, normals + (size_t)j * dim, dim));
                if (v == 0) goto overflow; /* cannot happen: x is inside a restricted chamber */
                int64_t c = bf->cabs[j];
                if (c < v) continue;
                if (tm64 < ((int64_t)1 << 31) && v < ((int64_t)1 << 32) && c < (tm64 + 1) * v)
                    continue;
                int64_t q = c / v;
                if (q > tm64) tm64 = q;
            }
            tm = tm64;
        } else
            for (int j = 0; j < k; j++) {
                const int64_t *b = normals + (size_t)j * dim;
                i128 v = small ? (i128)iabs64(dot64(x, b, dim)) : iabs128(dot128(x, b, dim));
                if (v == 0) goto overflow; /* cannot happen: x is inside a restricted chamber */
                i128 c = iabs128(bf->cross[j]);
                /* Divide only when the quotient can exceed tm ((tm + 1) v < 2^124 here). */
                if (c < v || (tm < LIM && v < LIM && c < (tm + 1) * v)) continue;
                i128 q = (c < LIM && v < LIM) ? (i128)((int64_t)c / (int64_t)v) : c / v;
                if (q > tm) tm = q;
            }
        tm += 1;
        if (tm >= LIM) goto overflow;
        for (int i = 0; i < dim; i++) {
            i128 base = tm * x[i];
            i128 vp = base + a[i], vm = base - a[i];
            if (vp >= LIM || vp <= -LIM || vm >= LIM || vm <= -LIM) goto overflow;
            plus[i] = (int64_t)vp;
            minus[i] = (int64_t)vm;
        }
        reduce_vec(plus, dim);
        reduce_vec(minus, dim);
        int64_t i = bf->hit[t];
        int8_t old = bf->side[i];
        memcpy(scratch, bf->loc + (size_t)t * k, (size_t)k);
        /* A cut chamber keeps its old witness on the side it lies on (if it is off H_k). */
        if (old >= 0) {
            scratch[k] = -1;
            shrink(minus, normals, amax, dim, scratch, k + 1, above, &hint);
            memcpy(bf->newwit + (size_t)t * dim, minus, (size_t)dim * sizeof(int64_t));
            bf->newside[t] = -1;
        } else {
            scratch[k] = 1;
            shrink(plus, normals, amax, dim, scratch, k + 1, above, &hint);
            memcpy(bf->newwit + (size_t)t * dim, plus, (size_t)dim * sizeof(int64_t));
            bf->newside[t] = 1;
        }
        if (old == 0) {
            scratch[k] = 1;
            shrink(plus, normals, amax, dim, scratch, k + 1, above, &hint);
            memcpy(st->wits + (size_t)i * dim, plus, (size_t)dim * sizeof(int64_t));
            if (vmax(plus, dim) > st->wmax) st->wmax = vmax(plus, dim);
            bf->side[i] = 1;
            st->signs[(size_t)i * st->n + k] = 1;
            st->codes[i] += s->wk;
        }
    }
    free(scratch);
    int rc = store_reserve(st, r + u);
    if (rc) return rc;
    for (int64_t t = 0; t < u; t++) {
        int8_t *row = st->signs + (size_t)(r + t) * st->n;
        memcpy(row, bf->loc + (size_t)t * k, (size_t)k);
        row[k] = bf->newside[t];
        st->codes[r + t] = bf->loc_codes[t] + (bf->newside[t] > 0 ? s->wk : 0);
        memcpy(st->wits + (size_t)(r + t) * dim, bf->newwit + (size_t)t * dim,
               (size_t)dim * sizeof(int64_t));
        int64_t big = vmax(bf->newwit + (size_t)t * dim, dim);
        if (big > st->wmax) st->wmax = big;
    }
    st->r = r + u;
    return K_OK;
overflow:
    free(scratch);
    return K_GIVE_UP;
}

/* Inside the cone: drop the chambers on the wrong side of H_k. */
static void keep_side(store_t *st, int k, int8_t want) {
    int64_t w = 0;
    int n = st->n, dim = st->dim;
    for (int64_t i = 0; i < st->r; i++) {
        if (st->signs[(size_t)i * n + k] != want) continue;
        if (w != i) {
            memcpy(st->signs + (size_t)w * n, st->signs + (size_t)i * n, (size_t)n);
            st->codes[w] = st->codes[i];
            memcpy(st->wits + (size_t)w * dim, st->wits + (size_t)i * dim,
                   (size_t)dim * sizeof(int64_t));
        }
        w++;
    }
    st->r = w;
}

/* Insert H_k. */
static int insert(const ctx_t *cx, const int64_t *normals, int64_t amax, int dim, int k,
                  const int8_t *fixed, int m, store_t *st) {
    step_t s;
    memset(&s, 0, sizeof(s));
    int64_t r = st->r;
    int rc = step_prepare(cx, normals, dim, k, fixed, m, r, &s);
    if (!rc) {
        int fast = fits64(st->wmax, amax, dim);
        for (int64_t i = 0; i < r; i++) step_row(&s, st, i, side_of(st, i, s.a, fast));
        rc = step_complete(cx, normals, amax, dim, &s, st);
    }
    step_free(&s);
    if (!rc && k < m) keep_side(st, k, fixed[k]);
    return rc;
}

/* Insert H_k and H_{k+1} (no cone filter at either) with one pass over the old chambers. */
static int insert_two(const ctx_t *cx, const int64_t *normals, int64_t amax, int dim, int k,
                      const int8_t *fixed, int m, store_t *st) {
    step_t s1, s2;
    memset(&s1, 0, sizeof(s1));
    memset(&s2, 0, sizeof(s2));
    int64_t r = st->r, nfix = 0;
    int64_t *fix = NULL;
    int rc = step_prepare(cx, normals, dim, k, fixed, m, r, &s1);
    if (!rc) rc = step_prepare(cx, normals, dim, k + 1, fixed, m, r + s1.u, &s2);
    if (!rc && !(fix = malloc((size_t)(r > 0 ? r : 1) * sizeof(int64_t)))) rc = K_NOMEM;
    if (!rc) {
        int fast = fits64(st->wmax, amax, dim);
        for (int64_t i = 0; i < r; i++) {
            int8_t si = side_of(st, i, s1.a, fast);
            step_row(&s1, st, i, si);
            if (si == 0) {
                fix[nfix++] = i; /* its witness is about to change: H_{k+1} after that */
                continue;
            }
            step_row(&s2, st, i, side_of(st, i, s2.a, fast));
        }
        rc = step_complete(cx, normals, amax, dim, &s1, st);
    }
    if (!rc) {
        /* H_{k+1} for the chambers whose witness changed and for the new ones. */
        int fast = fits64(st->wmax, amax, dim);
        for (int64_t q = 0; q < nfix; q++) step_row(&s2, st, fix[q], side_of(st, fix[q], s2.a, fast));
        for (int64_t i = r; i < st->r; i++) step_row(&s2, st, i, side_of(st, i, s2.a, fast));
        rc = step_complete(cx, normals, amax, dim, &s2, st);
    }
    free(fix);
    step_free(&s1);
    step_free(&s2);
    return rc;
}

static int chambers(const ctx_t *cx, const int64_t *normals, int n, int dim, const int8_t *fixed,
                    int m, store_t *out, int top) {
    memset(out, 0, sizeof(*out));
    if (n == 0 || dim < 1 || dim > MAXDIM) return K_GIVE_UP;
    int64_t amax = 0;
    for (int i = 0; i < n * dim; i++) {
        if (normals[i] >= LIM || normals[i] <= -LIM) return K_GIVE_UP;
        if (iabs64(normals[i]) > amax) amax = iabs64(normals[i]);
    }
    if (dim == 1) {
        int rc = store_init(out, n, 1, 2);
        if (rc) return rc;
        for (int s = 1; s >= -1; s -= 2) {
            int8_t *row = out->signs + (size_t)out->r * n;
            int ok = 1;
            for (int j = 0; j < n; j++) {
                row[j] = (int8_t)(s * (normals[j] > 0 ? 1 : -1));
                if (j < m && row[j] != fixed[j]) ok = 0;
            }
            if (!ok) continue;
            out->wits[out->r++] = s;
        }
        return K_OK;
    }
    if (dim == 2) return chambers_2d(normals, n, fixed, m, out);
    int rc = store_init(out, n, dim, 64);
    if (rc) return rc;
    const int64_t *a0 = normals;
    for (int s = 1; s >= -1; s -= 2) {
        if (m && fixed[0] != s) continue;
        int64_t i = out->r++;
        memset(out->signs + (size_t)i * n, 0, (size_t)n);
        out->signs[(size_t)i * n] = (int8_t)s;
        out->codes[i] = s > 0 ? cx->weights[0] : 0;
        for (int j = 0; j < dim; j++) out->wits[(size_t)i * dim + j] = s * a0[j];
        out->wmax = amax;
    }
    for (int k = 1; k < n; k++) {
        if (k >= m && k + 1 < n) {
            rc = insert_two(cx, normals, amax, dim, k, fixed, m, out);
            k++;
        } else {
            rc = insert(cx, normals, amax, dim, k, fixed, m, out);
        }
        if (rc) break;
        if (top) {
            /* Ctrl-C and progress between insertions, with the GIL held for them. */
            PyEval_RestoreThread(*cx->saved);
            if (PyErr_CheckSignals() < 0) rc = K_PYERR;
            if (!rc && cx->progress != Py_None) {
                PyObject *res = PyObject_CallFunction(cx->progress, "L", (long long)out->r);
                if (!res) rc = K_PYERR;
                Py_XDECREF(res);
            }
            *cx->saved = PyEval_SaveThread();
            if (rc) break;
        }
    }
    if (rc) {
        store_free(out);
        return rc;
    }
    if (top) {
        /* Small witnesses for the user, each checked against its whole sign vector. */
        int hint = 0;
        for (int64_t i = 0; i < out->r; i++)
            shrink(out->wits + (size_t)i * dim, normals, amax, dim, out->signs + (size_t)i * n, n,
                   cx->above_top, &hint);
    }
    return K_OK;
}

/* ------------------------------------------------------------------ Python entry point */

static PyObject *py_chambers(PyObject *self, PyObject *args) {
    Py_buffer nb, fb, wb;
    int n, dim;
    long long above_inner, above_top;
    PyObject *progress;
    (void)self;
    if (!PyArg_ParseTuple(args, "y*iiy*y*LLO", &nb, &n, &dim, &fb, &wb, &above_inner, &above_top,
                          &progress))
        return NULL;
    PyObject *result = NULL;
    if ((size_t)nb.len != (size_t)n * dim * sizeof(int64_t) ||
        (size_t)wb.len < (size_t)n * sizeof(uint64_t) || fb.len > n) {
        PyErr_SetString(PyExc_ValueError, "_kernel.chambers: inconsistent buffer sizes");
        goto out;
    }
    PyThreadState *saved = PyEval_SaveThread();
    ctx_t cx = {(const uint64_t *)wb.buf, above_inner, above_top, progress, &saved};
    store_t st;
    int rc = chambers(&cx, (const int64_t *)nb.buf, n, dim, (const int8_t *)fb.buf, (int)fb.len,
                      &st, 1);
    PyEval_RestoreThread(saved);
    if (rc == K_GIVE_UP) {
        Py_INCREF(Py_None);
        result = Py_None;
        goto out;
    }
    if (rc == K_NOMEM) {
        PyErr_NoMemory();
        goto out;
    }
    if (rc == K_PYERR) goto out;
    /* Give the unused capacity back before the copies are made. */
    free(st.codes);
    st.codes = NULL;
    if (st.r > 0 && st.r < st.cap) {
        int8_t *sg = realloc(st.signs, (size_t)st.r * (size_t)(n > 0 ? n : 1));
        if (sg) st.signs = sg;
    }
    PyObject *signs = PyByteArray_FromStringAndSize((const char *)st.signs, (Py_ssize_t)(st.r * n));
    PyObject *wits = signs ? PyByteArray_FromStringAndSize(
                                 (const char *)st.wits, (Py_ssize_t)(st.r * dim * sizeof(int64_t)))
                           : NULL;
    store_free(&st);
    if (signs && wits) result = Py_BuildValue("(NNL)", signs, wits, (long long)st.r);
    else {
        Py_XDECREF(signs);
        Py_XDECREF(wits);
    }
out:
    PyBuffer_Release(&nb);
    PyBuffer_Release(&fb);
    PyBuffer_Release(&wb);
    return result;
}

static PyMethodDef methods[] = {
    {"chambers", py_chambers, METH_VARARGS,
     "chambers(normals, n, dim, fixed, weights, above_inner, above_top, progress)\n"
     "-> (signs bytearray, witnesses bytearray, r), or None when int64 does not suffice."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_kernel",
                                    "Compiled chamber enumeration (see enumeration.py).", -1,
                                    methods};

PyMODINIT_FUNC PyInit__kernel(void) { return PyModule_Create(&module); }
