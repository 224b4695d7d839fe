-- depends_on: {{ ref('tone_signals') }}
-- The signals each source's rules define (its own seeds/<source>/<source>__tone_signals.csv,
-- else the shared tone_signals.csv), without the 'not <signal>' rows: a label two sources
-- both define means the same on both sides (sql/seeds/README.md) and can be compared.
{%- set own = rule_sources(["tone_signals"]) %}
with sources as (
    select distinct source from {{ ref('stg_sources') }}
),

rules as (
    select s.source, t.signal
    from sources as s
    cross join {{ ref('stg_tone_signals') }} as t
    {%- if own %}
    where s.source not in ({% for name in own %}{{ rule_literal(name) }}{{ ", " if not loop.last }}{% endfor %})
    {%- endif %}
    {%- for name in own %}
    union all
    select {{ rule_literal(name) }}, signal from {{ rule_relation(name, 'tone_signals') }}
    {%- endfor %}
)

select distinct source, signal
from rules
where signal not like 'not %'
order by source, signal
