/* SPDX-License-Identifier: MIT */
/* Names of LINKTYPE_ values (tcpdump.org link-layer header types). */
#ifndef PCAPSIFT_LINKTYPE_H
#define PCAPSIFT_LINKTYPE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* libpcap's DLT name ("EN10MB"), or NULL for a value we do not know. */
const char *sift_linktype_name(uint32_t linktype);

/* A description ("Ethernet"), or NULL for a value we do not know. */
const char *sift_linktype_description(uint32_t linktype);

#ifdef __cplusplus
}
#endif
#endif
