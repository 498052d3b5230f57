//! A small line chart of a property's recent values, in SVG.

use yew::prelude::*;

use crate::store::platform::points;

/// Props of [`Chart`].
#[derive(Properties, PartialEq)]
pub struct ChartProps {
    /// What the chart shows, for screen readers.
    pub label: AttrValue,
    /// The values, oldest first.
    pub values: Vec<f64>,
}

/// The values as a line, lowest at the bottom and highest at the top.
#[component]
pub fn Chart(props: &ChartProps) -> Html {
    let (width, height) = (160.0, 32.0);
    let line = points(&props.values, width, height);
    html! {
        <svg class="platform-chart" role="img" aria-label={props.label.clone()}
            viewBox={format!("-2 -2 {} {}", width + 4.0, height + 4.0)} width="164" height="36">
            <polyline fill="none" stroke="currentColor" stroke-width="1.5" points={line} />
        </svg>
    }
}
