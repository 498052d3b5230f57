//! A download link for bytes made on the page.

use std::rc::Rc;

use yew::prelude::*;

use crate::hooks::use_i18n::use_say;
use crate::web::download::ObjectUrl;

/// Props of [`Download`].
#[derive(Properties, PartialEq)]
pub struct DownloadProps {
    /// Element id of the link.
    pub id: AttrValue,
    /// The file name the browser saves it under.
    pub filename: AttrValue,
    /// The file's contents.
    pub data: Rc<[u8]>,
    /// Its media type.
    #[prop_or(AttrValue::Static("application/octet-stream"))]
    pub mime: AttrValue,
}

/// A `<a download>` link to a Blob; the object URL is revoked when the
/// contents change or the link goes away.
#[component]
pub fn Download(props: &DownloadProps) -> Html {
    let say = use_say();
    let url = use_memo((props.data.clone(), props.mime.clone()), |(data, mime)| {
        ObjectUrl::new(data, mime)
    });
    match &*url {
        Ok(url) => html! {
            <a id={props.id.clone()} class="download" href={url.as_str().to_owned()}
               download={props.filename.clone()}>
                { props.filename.clone() }
            </a>
        },
        Err(e) => html! {
            <span id={props.id.clone()} class="field-error" role="alert">
                { format!("{}: {}", props.filename, say.message(e)) }
            </span>
        },
    }
}
