//! The device simulator worker's wasm: see `iotda_kit_web::sim_worker`.

fn main() {
    iotda_kit_web::sim_worker::run();
}
