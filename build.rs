//! Finds the Wireshark to build against, generates bindings for exactly that
//! version from `wireshark-headers/`, and compiles the C shim.
//!
//! Two ways to point the build at a Wireshark:
//! - default: `pkg-config wireshark` (Debian: libwireshark-dev + libglib2.0-dev);
//! - `WIRESHARK_INCLUDE_DIR=/path/include/wireshark` (for example headers unpacked
//!   from another version's libwireshark-dev), optionally with
//!   `WIRESHARK_LIB_DIR` holding that version's libwireshark.so. Without a lib
//!   dir the plugin is not linked against libwireshark; its symbols are then
//!   resolved when Wireshark loads the plugin.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Wireshark releases this source tree knows how to talk to. A newer minor is
/// built as the newest known one (and said so), an older one is refused.
const OLDEST_SUPPORTED: (u32, u32) = (4, 0);
const NEWEST_KNOWN: (u32, u32) = (4, 6);

const INSTALL_HINT: &str = "install the Wireshark development files: on Debian/Ubuntu \
`sudo apt-get install tshark libwireshark-dev libglib2.0-dev libclang-dev pkg-config`, \
or set WIRESHARK_INCLUDE_DIR to a folder holding ws_version.h and epan/";

struct Wireshark {
    include_dirs: Vec<PathBuf>,
    /// Folders to link libwireshark/libwsutil from; None: do not link them.
    link: Option<Vec<PathBuf>>,
    version: (u32, u32, u32),
    /// Global plugin folder (`.../plugins/X.Y`), when known.
    plugin_dir: Option<String>,
}

fn main() {
    for var in [
        "WIRESHARK_INCLUDE_DIR",
        "WIRESHARK_LIB_DIR",
        "PKG_CONFIG_PATH",
        "PKG_CONFIG_LIBDIR",
    ] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    println!("cargo:rerun-if-changed=wireshark-headers");
    println!("cargo:rerun-if-changed=src/epan/shim.c");
    println!("cargo:rerun-if-changed=src/epan/flow_graph.c");

    let ws = match find_wireshark() {
        Ok(ws) => ws,
        Err(why) => fail(&format!("{why}\n  -> {INSTALL_HINT}")),
    };
    let (major, minor, micro) = ws.version;
    if (major, minor) < OLDEST_SUPPORTED {
        fail(&format!(
            "Wireshark {major}.{minor} is older than the oldest supported release {}.{}",
            OLDEST_SUPPORTED.0, OLDEST_SUPPORTED.1
        ));
    }
    if (major, minor) > NEWEST_KNOWN {
        println!(
            "cargo:warning=Wireshark {major}.{minor} is newer than the newest release this \
             plugin was tested with ({}.{}); building with that release's API",
            NEWEST_KNOWN.0, NEWEST_KNOWN.1
        );
    }
    emit_version(&ws, major, minor, micro);
    compile_shim(&ws);
    generate_bindings(&ws);
    link(&ws);
}

fn fail(message: &str) -> ! {
    eprintln!("\nerror: emcc-dissector: {message}\n");
    std::process::exit(1);
}

fn find_wireshark() -> Result<Wireshark, String> {
    let glib_dirs = pkg_config_include_dirs("glib-2.0").map_err(|e| {
        format!("glib-2.0 not found by pkg-config ({e}); libwireshark-dev does not pull in libglib2.0-dev")
    })?;
    if let Ok(dir) = env::var("WIRESHARK_INCLUDE_DIR") {
        let dir = PathBuf::from(dir);
        let version = read_version(&dir)?;
        let link = env::var("WIRESHARK_LIB_DIR")
            .ok()
            .map(|d| vec![PathBuf::from(d)]);
        let mut include_dirs = vec![dir];
        include_dirs.extend(glib_dirs);
        return Ok(Wireshark {
            include_dirs,
            link,
            version,
            plugin_dir: None,
        });
    }
    let ws_dirs = pkg_config_include_dirs("wireshark")
        .map_err(|e| format!("Wireshark not found by pkg-config ({e})"))?;
    let version_dir = ws_dirs
        .iter()
        .find(|d| d.join("ws_version.h").exists())
        .cloned()
        .ok_or("pkg-config wireshark names no folder holding ws_version.h")?;
    let version = read_version(&version_dir)?;
    let lib_dirs = pkg_config(&["--libs-only-L", "wireshark"])
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|f| f.strip_prefix("-L").map(PathBuf::from))
        .collect();
    let plugin_dir = pkg_config(&["--variable=plugindir", "wireshark"])
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let mut include_dirs = ws_dirs;
    include_dirs.extend(glib_dirs);
    Ok(Wireshark {
        include_dirs,
        link: Some(lib_dirs),
        version,
        plugin_dir,
    })
}

fn pkg_config(args: &[&str]) -> Result<String, String> {
    let out = Command::new("pkg-config")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run pkg-config: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn pkg_config_include_dirs(module: &str) -> Result<Vec<PathBuf>, String> {
    Ok(pkg_config(&["--cflags-only-I", module])?
        .split_whitespace()
        .filter_map(|f| f.strip_prefix("-I").map(PathBuf::from))
        .collect())
}

/// The version comes from the headers themselves, so pkg-config and an
/// override directory can never disagree about what we build against.
fn read_version(dir: &Path) -> Result<(u32, u32, u32), String> {
    let path = dir.join("ws_version.h");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let define = |name: &str| -> Result<u32, String> {
        text.lines()
            .filter_map(|l| l.trim().strip_prefix("#define "))
            .find_map(|l| {
                let mut it = l.split_whitespace();
                (it.next() == Some(name)).then(|| it.next()).flatten()
            })
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("{} does not define {name}", path.display()))
    };
    Ok((
        define("WIRESHARK_VERSION_MAJOR")?,
        define("WIRESHARK_VERSION_MINOR")?,
        define("WIRESHARK_VERSION_MICRO")?,
    ))
}

/// Everything version-dependent on the Rust side keys off these cfgs; they are
/// read in one place, `src/epan/version.rs`.
fn emit_version(ws: &Wireshark, major: u32, minor: u32, micro: u32) {
    println!("cargo:rustc-env=EMCC_WS_MAJOR={major}");
    println!("cargo:rustc-env=EMCC_WS_MINOR={minor}");
    println!("cargo:rustc-env=EMCC_WS_VERSION={major}.{minor}.{micro}");
    let plugin_dir = ws.plugin_dir.clone().unwrap_or_default();
    println!("cargo:rustc-env=EMCC_WS_GLOBAL_PLUGIN_DIR={plugin_dir}");
    for (cfg, (ma, mi)) in [
        ("ws_ge_4_2", (4, 2)),
        ("ws_ge_4_4", (4, 4)),
        ("ws_ge_4_6", (4, 6)),
    ] {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        if (major, minor) >= (ma, mi) {
            println!("cargo:rustc-cfg={cfg}");
        }
    }
}

fn compile_shim(ws: &Wireshark) {
    let mut build = cc::Build::new();
    build
        .file("src/epan/shim.c")
        .file("src/epan/flow_graph.c")
        .include("wireshark-headers")
        .includes(&ws.include_dirs)
        .warnings(true)
        .flag_if_supported("-Wno-unused-parameter");
    build.compile("emcc_shim");
}

/// The bindgen allowlist: only what Rust calls, each name used by src/epan
/// as `sys::NAME` (tests/bindgen_allowlist.rs checks both ways, and that
/// every shim function `emcc_.*` takes from wireshark-headers/emcc_shim.h is
/// called). What these items need (structs behind pointers, typedefs) comes
/// along without being listed.
const ALLOW_FUNCTIONS: &[&str] = &[
    "emcc_.*",
    "proto_register_plugin",
    "proto_register_protocol",
    "proto_register_subtree_array",
    "proto_registrar_get_id_byname",
    "expert_register_protocol",
    "register_dissector_with_data",
    "register_postdissector",
    "register_init_routine",
    "register_cleanup_routine",
    "dissector_add_string",
    "dissector_add_uint",
    "dissector_delete_uint",
    "find_dissector",
    "prefs_register_protocol",
];
const ALLOW_TYPES: &[&str] = &[
    "proto_plugin",
    "packet_info",
    "tvbuff_t",
    "proto_tree",
    "proto_item",
    "expert_field",
    "value_string",
];
/// Enums allowlisted for their constants (bindgen emits an enum's constants
/// only with the enum; allowlist_var does not reach them): the enum, and the
/// prefixes of the constants Rust uses.
const ALLOW_ENUMS: &[(&str, &str)] = &[
    ("ftenum", "FT_"),
    ("ft_framenum_type", "FT_FRAMENUM_"),
    ("field_display_e", "BASE_ SEP_ ABSOLUTE_TIME_"),
];
/// Macros (the expert info groups and severities).
const ALLOW_VARS: &[&str] = &["PI_.*"];

fn generate_bindings(ws: &Wireshark) {
    let mut builder = bindgen::Builder::default()
        .header("wireshark-headers/wireshark_api.h")
        .clang_arg("-Iwireshark-headers")
        .parse_callbacks(Box::new(bindgen::CargoCallbacks::new()))
        .derive_default(true)
        .layout_tests(false)
        .generate_comments(false)
        .prepend_enum_name(false)
        .default_enum_style(bindgen::EnumVariation::Consts);
    for dir in &ws.include_dirs {
        builder = builder.clang_arg(format!("-I{}", dir.display()));
    }
    // Only what the plugin uses: keeps the bindings small and makes every new
    // dependency on Wireshark's API a visible change to these lists.
    for f in ALLOW_FUNCTIONS {
        builder = builder.allowlist_function(f);
    }
    for t in ALLOW_TYPES {
        builder = builder.allowlist_type(t);
    }
    for (e, _) in ALLOW_ENUMS {
        builder = builder.allowlist_type(e);
    }
    for v in ALLOW_VARS {
        builder = builder.allowlist_var(v);
    }
    let bindings = builder.generate().unwrap_or_else(|e| {
        fail(&format!(
            "bindgen could not read the Wireshark headers: {e}"
        ))
    });
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    bindings
        .write_to_file(out.join("wireshark_bindings.rs"))
        .unwrap_or_else(|e| fail(&format!("cannot write bindings: {e}")));
}

fn link(ws: &Wireshark) {
    let Some(dirs) = &ws.link else { return };
    for dir in dirs {
        println!("cargo:rustc-link-search=native={}", dir.display());
    }
    for lib in ["wireshark", "wsutil", "glib-2.0"] {
        println!("cargo:rustc-link-lib=dylib={lib}");
    }
}
