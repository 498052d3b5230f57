//! Step 5: certificates for many devices at once, as one zip.

use yew::prelude::*;

use super::{bytes, Certs};
use crate::components::download::Download;
use crate::state::certs::Step;
use crate::worker::protocol::Field;

/// Step 5: a key and certificate per node id, with progress and Cancel.
pub(super) fn batch_card(certs: &Certs) -> Html {
    let state = &certs.state;
    let result = state.results.batch.as_ref();
    // While running: what the worker reported; after: the whole batch.
    let progress = state
        .progress(Step::Batch)
        .or_else(|| result.map(|r| (r.count, r.count)));
    html! {
        <section class="card wide" id="batch-card" aria-labelledby="batch-heading">
            <h2 id="batch-heading">{ "5. Many devices at once" }</h2>
            <p class="hint">
                { "One key and certificate per node ID, signed by the CA of step 1, in devices.zip \
                   (a folder per device) with fingerprints.csv for the console's batch registration." }
            </p>
            { certs.text_area(Field::BatchIds, "Node IDs",
                "One per line, or a CSV whose first column is the node ID (a header line is skipped).",
                "node-0001\nnode-0002", ".csv,.txt") }
            { certs.key_select(Field::BatchKeyType, state.form.batch_key_type) }
            { certs.text(Field::BatchDays, "Valid for (days)", None) }
            { certs.action(Step::Batch, "batch-generate", "Generate") }
            if let Some((done, total)) = progress {
                <div class="progress">
                    <progress id="batch-progress" value={done.to_string()} max={total.max(1).to_string()}>
                        { format!("{done} of {total}") }
                    </progress>
                    <span id="batch-count">{ format!("{done} of {total}") }</span>
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
