/* SPDX-License-Identifier: MIT */
/* LINKTYPE_ values and their names, as listed at tcpdump.org's
 * "Link-layer header types" page; the names are libpcap's DLT names. */
#include "pcapsift/linktype.h"

#include <stddef.h>

struct linktype_name {
    uint16_t value;
    const char *name;
    const char *description;
};

static const struct linktype_name names[] = {
    {0, "NULL", "BSD loopback"},
    {1, "EN10MB", "Ethernet"},
    {3, "AX25", "AX.25"},
    {6, "IEEE802", "Token Ring"},
    {7, "ARCNET", "ARCNET"},
    {8, "SLIP", "SLIP"},
    {9, "PPP", "PPP"},
    {10, "FDDI", "FDDI"},
    {12, "RAW", "Raw IP (OpenBSD DLT_RAW)"},
    {14, "RAW", "Raw IP (BSD/OS DLT_RAW)"},
    {50, "PPP_SERIAL", "PPP in HDLC-like framing"},
    {51, "PPP_ETHER", "PPPoE"},
    {100, "ATM_RFC1483", "RFC 1483 LLC/SNAP-encapsulated ATM"},
    {101, "RAW", "Raw IP"},
    {104, "C_HDLC", "Cisco HDLC"},
    {105, "IEEE802_11", "IEEE 802.11"},
    {107, "FRELAY", "Frame Relay"},
    {108, "LOOP", "OpenBSD loopback"},
    {113, "LINUX_SLL", "Linux cooked capture v1"},
    {114, "LTALK", "Apple LocalTalk"},
    {117, "PFLOG", "OpenBSD pflog"},
    {119, "PRISM_HEADER", "IEEE 802.11 with Prism header"},
    {122, "IP_OVER_FC", "IP over Fibre Channel"},
    {123, "SUNATM", "SunATM"},
    {127, "IEEE802_11_RADIO", "IEEE 802.11 with radiotap header"},
    {129, "ARCNET_LINUX", "Linux ARCNET"},
    {138, "APPLE_IP_OVER_IEEE1394", "Apple IP over IEEE 1394"},
    {139, "MTP2_WITH_PHDR", "SS7 MTP2 with pseudo-header"},
    {140, "MTP2", "SS7 MTP2"},
    {141, "MTP3", "SS7 MTP3"},
    {142, "SCCP", "SS7 SCCP"},
    {143, "DOCSIS", "DOCSIS"},
    {144, "LINUX_IRDA", "Linux IrDA"},
    {147, "USER0", "reserved for private use 0"},
    {148, "USER1", "reserved for private use 1"},
    {149, "USER2", "reserved for private use 2"},
    {150, "USER3", "reserved for private use 3"},
    {160, "USER13", "reserved for private use 13"},
    {163, "IEEE802_11_RADIO_AVS", "IEEE 802.11 with AVS header"},
    {165, "BACNET_MS_TP", "BACnet MS/TP"},
    {166, "PPP_PPPD", "PPP with direction (pppd)"},
    {169, "GPRS_LLC", "GPRS LLC"},
    {177, "LINUX_LAPD", "Linux LAPD"},
    {187, "BLUETOOTH_HCI_H4", "Bluetooth HCI UART H4"},
    {189, "USB_LINUX", "Linux USB"},
    {192, "PPI", "Per-Packet Information"},
    {195, "IEEE802_15_4_WITHFCS", "IEEE 802.15.4 with FCS"},
    {201, "BLUETOOTH_HCI_H4_WITH_PHDR", "Bluetooth HCI H4 with direction"},
    {202, "AX25_KISS", "AX.25 KISS"},
    {204, "PPP_WITH_DIR", "PPP with direction"},
    {209, "IPMB_LINUX", "IPMB (Linux)"},
    {215, "IEEE802_15_4_NONASK_PHY", "IEEE 802.15.4 with PHY header"},
    {220, "USB_LINUX_MMAPPED", "Linux USB (memory-mapped)"},
    {224, "FC_2", "Fibre Channel FC-2"},
    {226, "IPNET", "Solaris IPNET"},
    {227, "CAN_SOCKETCAN", "Linux SocketCAN"},
    {228, "IPV4", "Raw IPv4"},
    {229, "IPV6", "Raw IPv6"},
    {230, "IEEE802_15_4_NOFCS", "IEEE 802.15.4 without FCS"},
    {231, "DBUS", "D-Bus"},
    {235, "DVB_CI", "DVB-CI"},
    {239, "NFLOG", "Linux netfilter NFLOG"},
    {240, "NETANALYZER", "Hilscher netANALYZER"},
    {241, "NETANALYZER_TRANSPARENT", "Hilscher netANALYZER transparent"},
    {242, "IPOIB", "IP over InfiniBand"},
    {243, "MPEG_2_TS", "MPEG-2 transport stream"},
    {247, "INFINIBAND", "InfiniBand"},
    {248, "SCTP", "SCTP"},
    {249, "USBPCAP", "USBPcap"},
    {251, "BLUETOOTH_LE_LL", "Bluetooth LE link layer"},
    {252, "WIRESHARK_UPPER_PDU", "Wireshark upper PDU"},
    {253, "NETLINK", "Linux Netlink"},
    {254, "BLUETOOTH_LINUX_MONITOR", "Bluetooth Linux monitor"},
    {255, "BLUETOOTH_BREDR_BB", "Bluetooth BR/EDR baseband"},
    {256, "BLUETOOTH_LE_LL_WITH_PHDR", "Bluetooth LE with pseudo-header"},
    {258, "PKTAP", "Apple PKTAP"},
    {259, "EPON", "Ethernet passive optical network"},
    {263, "ISO_14443", "ISO 14443 contactless"},
    {264, "RDS", "IEC 62106 RDS"},
    {265, "USB_DARWIN", "USB (Darwin)"},
    {267, "SDLC", "SDLC"},
    {270, "LORATAP", "LoRaTap"},
    {271, "VSOCK", "Linux vsock"},
    {272, "NORDIC_BLE", "Nordic BLE sniffer"},
    {273, "DOCSIS31_XRA31", "DOCSIS 3.1 XRA31"},
    {274, "ETHERNET_MPACKET", "IEEE 802.3br mPackets"},
    {275, "DISPLAYPORT_AUX", "DisplayPort AUX"},
    {276, "LINUX_SLL2", "Linux cooked capture v2"},
    {278, "OPENVIZSLA", "OpenVizsla USB"},
    {279, "EBHSCR", "Elektrobit EBHSCR"},
    {281, "WATTSTOPPER_DLM", "WattStopper DLM"},
    {282, "ISO_14443", "ISO 14443"},
    {283, "RTAC_SERIAL", "RTAC serial"},
    {284, "BLUETOOTH_LE_LL_WITH_PHDR", "Bluetooth LE"},
    {286, "ZWAVE_TAP", "Z-Wave tap"},
    {287, "VPP_DISPATCH", "VPP graph dispatch trace"},
    {288, "DSA_TAG_BRCM", "Broadcom DSA tag"},
    {289, "DSA_TAG_BRCM_PREPEND", "Broadcom DSA tag (prepended)"},
    {290, "IEEE802_15_4_TAP", "IEEE 802.15.4 TAP"},
    {291, "DSA_TAG_DSA", "Marvell DSA tag"},
    {292, "DSA_TAG_EDSA", "Marvell EDSA tag"},
    {293, "ELEE", "ELEE lawful intercept"},
    {294, "Z_WAVE_SERIAL", "Z-Wave serial"},
    {295, "USB_2_0", "USB 2.0"},
    {296, "ATSC_ALP", "ATSC ALP"},
    {297, "ETW", "Event Tracing for Windows"},
};

static const struct linktype_name *find(uint32_t linktype)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].value == linktype)
            return &names[i];
    return NULL;
}

const char *sift_linktype_name(uint32_t linktype)
{
    const struct linktype_name *n = find(linktype);
    return n ? n->name : NULL;
}

const char *sift_linktype_description(uint32_t linktype)
{
    const struct linktype_name *n = find(linktype);
    return n ? n->description : NULL;
}
