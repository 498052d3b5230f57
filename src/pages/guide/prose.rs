//! The Guide's prose as Yew nodes: the blocks [`prose`] reads from the
//! fetched text, and its diagrams as images of their own files.

use std::rc::Rc;

use yew::prelude::*;

use crate::hooks::use_i18n::use_lang;
use crate::store::guide::{figure_url, prose, Block, GuideText, Span};

/// Props of [`Prose`].
#[derive(Properties, PartialEq)]
pub struct ProseProps {
    /// The prose, in the markup [`prose`] reads.
    pub text: String,
    /// The guide's text (the diagrams' captions and descriptions).
    pub guide: Rc<GuideText>,
}

fn spans(spans: &[Span]) -> Html {
    spans
        .iter()
        .map(|span| match span {
            Span::Text(t) => html! { { t.clone() } },
            Span::Code(t) => html! { <code>{ t.clone() }</code> },
            Span::Strong(t) => html! { <strong>{ t.clone() }</strong> },
            Span::Em(t) => html! { <em>{ t.clone() }</em> },
        })
        .collect()
}

/// The diagram `name`: its caption, and the image with its description as
/// the alternative text.
fn figure(name: &str, guide: &GuideText, lang: crate::i18n::Lang) -> Html {
    html! {
        <figure class="chart">
            <figcaption>{ guide.get(&format!("figure.{name}.caption")) }</figcaption>
            <img src={figure_url(name, lang)} alt={guide.get(&format!("figure.{name}.alt"))} />
        </figure>
    }
}

/// Paragraphs, headings, lists, code and diagrams.
#[component]
pub fn Prose(props: &ProseProps) -> Html {
    let lang = use_lang();
    let blocks = use_memo(props.text.clone(), |text| prose(text));
    blocks
        .iter()
        .map(|block| match block {
            Block::Paragraph(s) => html! { <p>{ spans(s) }</p> },
            Block::Heading(s) => html! { <h4>{ spans(s) }</h4> },
            Block::Code(code) => html! { <pre><code>{ code.clone() }</code></pre> },
            Block::List(items) => html! {
                <ul>{ for items.iter().map(|item| html! { <li>{ spans(item) }</li> }) }</ul>
            },
            Block::Figures(names) => html! {
                <div class="charts">{ for names.iter().map(|n| figure(n, &props.guide, lang)) }</div>
            },
        })
        .collect()
}
