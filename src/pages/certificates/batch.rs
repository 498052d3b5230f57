//! Step 5: certificates for many devices at once, as one zip.

use yew::prelude::*;

use super::{bytes, Certs};
use crate::components::download::Download;
use crate::i18n::Texts;
use crate::store::certs::Step;
use crate::worker::protocol::Field;

/// Step 5: a key and certificate per node id, with progress and Cancel.
pub(super) fn batch_card(certs: &Certs) -> Html {
    let state = &certs.state;
    let t = certs.t;
    let result = state.results.batch.as_ref();
    // While running: what the worker reported; after: the whole batch.
    let progress = state
        .progress(Step::Batch)
        .or_else(|| result.map(|r| (r.count, r.count)));
    html! {
        <section class="card wide" id="batch-card" aria-labelledby="batch-heading">
            <h2 id="batch-heading">{ t.batch_title() }</h2>
            <p class="hint">{ t.batch_intro() }</p>
            { certs.text_area(Field::BatchIds, t.node_ids(), t.node_ids_hint(),
                "node-0001\nnode-0002", ".csv,.txt") }
            { certs.key_select(Field::BatchKeyType, state.form.batch_key_type) }
            { certs.text(Field::BatchDays, t.valid_days(), None) }
            { certs.action(Step::Batch, "batch-generate", t.generate()) }
            if let Some((done, total)) = progress {
                <div class="progress">
                    <progress id="batch-progress" value={done.to_string()} max={total.max(1).to_string()}>
                        { progress_text(t, done, total) }
                    </progress>
                    <span id="batch-count">{ progress_text(t, done, total) }</span>
                </div>
            }
            if let Some(result) = result {
                <div class="downloads" id="batch-result">
                    <Download id="batch-download-zip" filename="devices.zip" mime="application/zip"
                        data={result.zip.clone()} />
                    <Download id="batch-download-csv" filename="fingerprints.csv" mime="text/csv"
                        data={bytes(&result.csv)} />
                </div>
            }
            { certs.openssl(Step::Batch) }
        </section>
    }
}

/// "3 of 10", in the language chosen.
fn progress_text(t: &Texts, done: u32, total: u32) -> String {
    t.batch_progress()
        .replace("{done}", &done.to_string())
        .replace("{total}", &total.to_string())
}
