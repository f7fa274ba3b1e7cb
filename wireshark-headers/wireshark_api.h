/*
 * The Wireshark API surface this plugin uses. bindgen reads this file (with
 * an allowlist in build.rs) to generate bindings for exactly the Wireshark
 * version the build found; the C shim includes it too.
 */
#ifndef EMCC_WIRESHARK_API_H
#define EMCC_WIRESHARK_API_H

#include <ws_version.h>
#include <epan/packet.h>
#include <epan/proto.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/column-utils.h>

#include "emcc_shim.h"

#endif
