//! Runs burn-onnx's `ModelGen` on the three style-transfer ONNX graphs and writes the
//! generated Rust into `src/style/generated/` and the weights (`.bpk`, read at run time
//! from the assets folder and handed to the model: `LoadStrategy::Bytes`) into
//! `assets/weights/`.
//!
//! usage (from the repository root):
//! `CARGO_TARGET_DIR=$HOME/.cache/onnx-convert-target cargo run \
//!    --manifest-path tools/onnx-convert/Cargo.toml -- ONNX_DIR`
//! where ONNX_DIR holds multistyle26.onnx, arbitrary_predict_f32.onnx and
//! arbitrary_transform_f32.onnx.

use burn_onnx::{LoadStrategy, ModelGen};
use std::path::{Path, PathBuf};

const MODELS: [&str; 3] = [
    "multistyle26",
    "arbitrary_predict_f32",
    "arbitrary_transform_f32",
];

fn main() {
    let onnx_dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("assets/weights"));
    let scratch = PathBuf::from("target/onnx-convert");
    std::fs::create_dir_all(&scratch).expect("create scratch dir");
    for name in MODELS {
        let input = onnx_dir.join(format!("{name}.onnx"));
        if !input.is_file() {
            eprintln!("missing {}", input.display());
            std::process::exit(1);
        }
        ModelGen::new()
            .input(input.to_str().expect("utf-8 path"))
            .out_dir(scratch.to_str().expect("utf-8 path"))
            .development(false)
            .load_strategy(LoadStrategy::Bytes)
            .run_from_cli();
        println!("converted {name}");
    }
    install(&scratch);
}

/// Moves `*.rs` into src/style/generated and `*.bpk` into assets/weights.
fn install(scratch: &Path) {
    let src = Path::new("src/style/generated");
    let weights = Path::new("assets/weights");
    std::fs::create_dir_all(src).expect("create src/style/generated");
    for entry in std::fs::read_dir(scratch).expect("read scratch") {
        let path = entry.expect("entry").path();
        let Some(file) = path.file_name() else {
            continue;
        };
        let dest = match path.extension().and_then(|e| e.to_str()) {
            Some("rs") => {
                // The main crate reaches burn-store through burn's `store` re-export, and
                // the header should not carry this machine's paths.
                let code = std::fs::read_to_string(&path).expect("read generated code");
                let code = code.replace("burn_store::", "burn::store::");
                let code = match code.split_once('\n') {
                    Some((first, rest)) if first.starts_with("// Generated from ONNX") => format!(
                        "// Generated from ONNX \"{}.onnx\" by burn-onnx 0.22.0 (tools/onnx-convert)\n{rest}",
                        path.file_stem().and_then(|s| s.to_str()).unwrap_or("?")
                    ),
                    _ => code,
                };
                let dest = src.join(file);
                std::fs::write(&dest, code).expect("write generated code");
                println!("wrote {}", dest.display());
                continue;
            }
            Some("bpk") => weights.join(file),
            _ => continue,
        };
        std::fs::copy(&path, &dest).expect("copy output");
        println!("wrote {}", dest.display());
    }
}
