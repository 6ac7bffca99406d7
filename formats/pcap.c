/* SPDX-License-Identifier: MIT */
/* Classic pcap files (draft-ietf-opsawg-pcap): both byte orders,
 * microsecond (a1b2c3d4), nanosecond (a1b23c4d) and the "modified"
 * (a1b2cd34, 24-byte record headers) magics. */
#include "reader_internal.h"

#include <stdlib.h>
#include <string.h>

#define FILE_HEADER_LEN 24
#define RECORD_HEADER_LEN 16
#define MODIFIED_RECORD_HEADER_LEN 24

#define MAGIC_US 0xa1b2c3d4u
#define MAGIC_NS 0xa1b23c4du
#define MAGIC_MODIFIED 0xa1b2cd34u

/* The link-type field: 16 bits of link type, 10 reserved bits, then the
 * "FCS length present" bit and the FCS length in 16-bit words. */
#define LT_LINKTYPE(x) ((x) & 0xffffu)
#define LT_RESERVED(x) ((x) & 0x03ff0000u)
#define LT_FCS_PRESENT(x) ((x) & 0x04000000u)
#define LT_FCS_WORDS(x) (((x) >> 28) & 0xfu)

struct pcap_state {
    bool big_endian;
    bool nanosecond;
    bool modified;
    /* Versions before 2.3 wrote the original length before the captured
     * one; some 2.3 writers did too, and DG/UX's 543.0 always does. */
    enum { LENGTHS_IN_ORDER, LENGTHS_SWAPPED, LENGTHS_SWAPPED_IF_ODD }
        length_order;
    size_t record_header_len;
    uint32_t max_caplen;
};

static uint32_t swap32(uint32_t v)
{
    return (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) |
           (v << 24);
}

/* The magic read in little-endian order; sets *big_endian. */
static bool classify_magic(uint32_t le, bool *big_endian, uint32_t *magic)
{
    const uint32_t magics[] = {MAGIC_US, MAGIC_NS, MAGIC_MODIFIED};
    for (size_t i = 0; i < 3; i++) {
        if (le == magics[i] || le == swap32(magics[i])) {
            *big_endian = le != magics[i];
            *magic = magics[i];
            return true;
        }
    }
    return false;
}

static bool pcap_probe(const uint8_t *head, size_t len)
{
    struct sift_cursor c = sift_cursor_make(head, len, 0);
    bool be;
    uint32_t magic;
    return classify_magic(sift_cursor_le32(&c), &be, &magic);
}

static int check_version(struct sift_reader *r, uint16_t major,
                         uint16_t minor, struct sift_error *err)
{
    /* 2.4 is current; 2.0-2.3 are older libpcap; 543.0 is DG/UX's, read by
     * libpcap like 2.2 (lengths swapped). */
    if ((major == 2 && minor <= 4) || (major == 543 && minor == 0))
        return SIFT_OK;
    return sift_error_set(err, SIFT_ERR_UNSUPPORTED, SIFT_LAYER_READER, 4,
                          "%s: unsupported pcap version %u.%u",
                          sift_source_name(r->src), major, minor);
}

/* Builds the one implied interface from the file header's fields. */
static int add_interface(struct sift_reader *r, struct pcap_state *st,
                         uint32_t snaplen, uint32_t lt_field)
{
    struct sift_interface iface;
    memset(&iface, 0, sizeof iface);
    iface.linktype = (uint16_t)LT_LINKTYPE(lt_field);
    iface.linktype_raw = lt_field;
    iface.snaplen = snaplen;
    iface.fcs_len = LT_FCS_PRESENT(lt_field) ? (int)LT_FCS_WORDS(lt_field) * 2
                                             : -1;
    iface.tsresol_exp = st->nanosecond ? 9 : 6;
    if (LT_RESERVED(lt_field) != 0)
        reader_warn(r, SIFT_WARN_HEADER, 20, 0,
                    "reserved bits of the link-type field are not zero "
                    "(0x%08x); link type %u used", lt_field, iface.linktype);
    st->max_caplen = reader_max_caplen(iface.linktype, snaplen);
    if (reader_add_iface(r, &iface, NULL) == NULL)
        return SIFT_ERR_NOMEM;
    if (r->cb.on_interface != NULL)
        r->cb.on_interface(r->cb.ctx, &r->ifaces[0].info);
    return SIFT_OK;
}

static void report_section(struct sift_reader *r, const struct pcap_state *st,
                           uint16_t major, uint16_t minor, int32_t thiszone,
                           uint32_t sigfigs)
{
    if (r->cb.on_section == NULL)
        return;
    struct sift_section s;
    memset(&s, 0, sizeof s);
    s.big_endian = st->big_endian;
    s.version_major = major;
    s.version_minor = minor;
    s.section_length = -1;
    s.nanosecond = st->nanosecond;
    s.modified = st->modified;
    s.thiszone = thiszone;
    s.sigfigs = sigfigs;
    r->cb.on_section(r->cb.ctx, &s);
}

static int pcap_open(struct sift_reader *r, struct sift_error *err)
{
    const uint8_t *p;
    size_t got;
    int rc = sift_source_peek(r->src, FILE_HEADER_LEN, &p, &got, err);
    if (rc != SIFT_OK)
        return rc;
    if (got < FILE_HEADER_LEN)
        return sift_error_set(err, SIFT_ERR_TRUNCATED, SIFT_LAYER_READER, got,
                              "%s: pcap file header cut short (%zu of %d "
                              "bytes)", sift_source_name(r->src), got,
                              FILE_HEADER_LEN);
    struct pcap_state *st = calloc(1, sizeof *st);
    if (st == NULL)
        return SIFT_ERR_NOMEM;
    r->state = st;
    struct sift_cursor c = sift_cursor_make(p, got, 0);
    uint32_t magic = 0;
    classify_magic(sift_cursor_le32(&c), &st->big_endian, &magic);
    st->nanosecond = magic == MAGIC_NS;
    st->modified = magic == MAGIC_MODIFIED;
    st->record_header_len = st->modified ? MODIFIED_RECORD_HEADER_LEN
                                         : RECORD_HEADER_LEN;
    uint16_t major = sift_cursor_u16(&c, st->big_endian);
    uint16_t minor = sift_cursor_u16(&c, st->big_endian);
    int32_t thiszone = (int32_t)sift_cursor_u32(&c, st->big_endian);
    uint32_t sigfigs = sift_cursor_u32(&c, st->big_endian);
    uint32_t snaplen = sift_cursor_u32(&c, st->big_endian);
    uint32_t lt_field = sift_cursor_u32(&c, st->big_endian);
    rc = check_version(r, major, minor, err);
    if (rc != SIFT_OK)
        return rc;
    if (major == 543 || (major == 2 && minor < 3))
        st->length_order = LENGTHS_SWAPPED;
    else if (major == 2 && minor == 3)
        st->length_order = LENGTHS_SWAPPED_IF_ODD;
    report_section(r, st, major, minor, thiszone, sigfigs);
    rc = add_interface(r, st, snaplen, lt_field);
    if (rc != SIFT_OK)
        return sift_error_set(err, rc, SIFT_LAYER_READER, 0,
                              "no memory for an interface");
    sift_source_consume(r->src, FILE_HEADER_LEN);
    return SIFT_OK;
}

/* Checks one record's lengths; a length no writer could produce means the
 * file is damaged here and nothing after can be trusted. */
static int check_lengths(struct sift_reader *r, struct pcap_state *st,
                         uint64_t off, uint32_t *caplen, uint32_t *origlen,
                         struct sift_error *err)
{
    if (st->length_order == LENGTHS_SWAPPED ||
        (st->length_order == LENGTHS_SWAPPED_IF_ODD && *caplen > *origlen)) {
        uint32_t t = *caplen;
        *caplen = *origlen;
        *origlen = t;
    }
    if (*caplen > st->max_caplen)
        return sift_error_set(err, SIFT_ERR_MALFORMED, SIFT_LAYER_READER, off,
                              "%s: record %llu at offset %llu has a captured "
                              "length of %u, over the sane maximum of %u: the "
                              "file is damaged here",
                              sift_source_name(r->src),
                              (unsigned long long)r->records + 1,
                              (unsigned long long)off, *caplen,
                              st->max_caplen);
    uint32_t snaplen = r->ifaces[0].info.snaplen;
    if (snaplen != 0 && *caplen > snaplen)
        reader_warn(r, SIFT_WARN_LENGTH, off, r->records + 1,
                    "captured length %u is over the snap length %u", *caplen,
                    snaplen);
    if (*caplen > *origlen)
        reader_warn(r, SIFT_WARN_LENGTH, off, r->records + 1,
                    "captured length %u is over the original length %u",
                    *caplen, *origlen);
    return SIFT_OK;
}

static void set_timestamp(struct sift_reader *r, struct pcap_state *st,
                          uint64_t off, uint32_t sec, uint32_t frac,
                          struct sift_record *rec)
{
    uint32_t per_second = st->nanosecond ? 1000000000u : 1000000u;
    if (frac >= per_second)
        reader_warn(r, SIFT_WARN_TIMESTAMP, off, rec->number,
                    "fraction of a second %u is not below %u", frac,
                    per_second);
    uint64_t units = (uint64_t)sec * per_second + frac;
    rec->has_timestamp = true;
    sift_timestamp_to_ns(&r->ifaces[0].info, units, &rec->ts_ns);
}

static int pcap_next(struct sift_reader *r, struct sift_record *rec,
                     struct sift_error *err)
{
    struct pcap_state *st = r->state;
    uint64_t off = sift_source_offset(r->src);
    const uint8_t *p;
    size_t got;
    int rc = sift_source_peek(r->src, st->record_header_len, &p, &got, err);
    if (rc != SIFT_OK)
        return rc;
    if (got == 0)
        return SIFT_END;
    if (got < st->record_header_len) {
        reader_warn(r, SIFT_WARN_TRUNCATED_RECORD, off, r->records + 1,
                    "file ends %zu bytes into a %zu-byte record header", got,
                    st->record_header_len);
        return SIFT_END;
    }
    struct sift_cursor c = sift_cursor_make(p, got, off);
    uint32_t sec = sift_cursor_u32(&c, st->big_endian);
    uint32_t frac = sift_cursor_u32(&c, st->big_endian);
    uint32_t caplen = sift_cursor_u32(&c, st->big_endian);
    uint32_t origlen = sift_cursor_u32(&c, st->big_endian);
    rc = check_lengths(r, st, off, &caplen, &origlen, err);
    if (rc != SIFT_OK)
        return rc;
    size_t whole = st->record_header_len + caplen;
    rc = sift_source_peek(r->src, whole, &p, &got, err);
    if (rc != SIFT_OK)
        return rc;
    if (got < whole) {
        reader_warn(r, SIFT_WARN_TRUNCATED_RECORD, off, r->records + 1,
                    "last record cut short: %zu of its %u captured bytes "
                    "present", got - st->record_header_len, caplen);
        return SIFT_END;
    }
    rec->number = ++r->records;
    rec->offset = off;
    rec->iface = &r->ifaces[0].info;
    rec->linktype = rec->iface->linktype;
    rec->caplen = caplen;
    rec->origlen = origlen;
    struct sift_cursor whole_record = sift_cursor_make(p, whole, off);
    sift_cursor_skip(&whole_record, st->record_header_len);
    rec->data = sift_cursor_bytes(&whole_record, caplen);
    set_timestamp(r, st, off, sec, frac, rec);
    sift_source_consume(r->src, whole);
    return SIFT_OK;
}

static void pcap_close(struct sift_reader *r)
{
    free(r->state);
    r->state = NULL;
}

const struct reader_format sift_pcap_format = {
    "pcap", SIFT_FORMAT_PCAP, 4, pcap_probe, pcap_open, pcap_next, pcap_close,
};
