//! Mounts the app on the page's body.

fn main() {
    yew::Renderer::<iotda_kit_web::app::App>::new().render();
}
