-- marts.call_pairs: each <signal>_agree says whether the two sides' signal lists agree on that
-- signal, is NULL exactly when the pair is not compared on it, and one_side_only lists every
-- signal on which they differ.
{%- set signals = [
    "expressed_satisfaction", "expressed_gratitude", "expressed_condolences",
    "congratulations_or_greetings", "expressed_concern", "divergence", "exchange_of_views",
    "agreed_to_continue_contacts",
] %}
{%- for signal in signals %}
select pair_id, {{ rule_literal(signal) }} as signal
from {{ ref('call_pairs') }}
where ({{ signal }}_agree is null)
        != (reported_by != 'both' or list_contains(not_comparable, {{ rule_literal(signal) }}))
    or {{ signal }}_agree
        != (list_contains(a_signals, {{ rule_literal(signal) }}) = list_contains(b_signals, {{ rule_literal(signal) }}))
    or (not {{ signal }}_agree) != list_contains(
        list_transform(one_side_only, lambda x: split_part(x, ':', 1)), {{ rule_literal(signal) }}
    )
{{ "union all" if not loop.last }}
{%- endfor %}
