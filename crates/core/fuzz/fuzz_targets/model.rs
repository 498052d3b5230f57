//! Feeds arbitrary bytes to the product-model readers (REST JSON and the
//! console's offline ZIP). Besides "never panics", checks that a model
//! read writes and reads back the same.
#![no_main]

use iotda_core::iotda::ProductModel;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for model in [ProductModel::from_json(data), ProductModel::from_zip(data)]
        .into_iter()
        .flatten()
    {
        let json = model.to_json().expect("a model read writes");
        assert_eq!(ProductModel::from_json(json.as_bytes()), Ok(model));
    }
});
