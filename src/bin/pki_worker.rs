//! The certificate worker's wasm: see `iotda_kit_web::worker`.

fn main() {
    iotda_kit_web::worker::run();
}
