{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ forget_pending_items() }}"
) }}
-- Incremental by item (sql/macros/incremental.sql): an incremental build recomputes only the
-- items the loader listed in raw.pending_items.
-- depends_on: {{ ref('tone_signals') }}
with hits as (
    select
        s.*,
        unnest({{ signal_hits('s.match_text', 's.source') }}) as hit
    from {{ ref('int_call_sentences') }} as s
    where not s.in_verbatim_exchange
        and {{ is_pending('s') }}
),

matches as (
    select
        source,
        item_id,
        version,
        sentence_no,
        char_start as sentence_start,
        sentence_text,
        match_text,
        match_token_starts,
        match_token_ends,
        hit.signal,
        unnest(hit.hits.prefixes) as prefix,
        unnest(hit.hits.matched) as matched_text,
        unnest(hit.hits.party) as party_text,
        generate_subscripts(hit.hits.matched, 1) as n
    from hits
    where len(hit.hits.matched) > 0
),

positioned as (
    select
        *,
        {{ match_offset('prefix', 'matched_text', 'source, item_id, sentence_no, signal', 'n') }}
            as offset_in_sentence
    from matches
),

-- A cue with a {party} slot counts only when the slot's words begin with a name of one of
-- the call's two sides (int_call_parties): "urged Russia" in a call with Russia, not in a
-- call between allies.
party_patterns as (
    select
        source,
        item_id,
        {{ party_pattern("string_agg(regexp_escape(name), '|' order by length(name) desc, name)") }}
            as pattern
    from {{ ref('int_call_parties') }} as p
    where {{ is_pending('p') }}
    group by all
),

directed as (
    select p.*
    from positioned as p
    left join party_patterns as pp on pp.source = p.source and pp.item_id = p.item_id
    where coalesce(p.party_text, '') = ''
        or coalesce(regexp_matches(p.party_text, pp.pattern), false)
),

-- A row 'not <signal>' names where that signal's cue is not the signal: a hit of the signal
-- that overlaps one of its 'not' row in the same sentence does not count.
kept as (
    select d.*
    from directed as d
    where d.signal not like 'not %'
        and not exists (
            select 1
            from directed as x
            where x.signal = 'not ' || d.signal
                and x.source = d.source
                and x.item_id = d.item_id
                and x.version = d.version
                and x.sentence_no = d.sentence_no
                and x.offset_in_sentence < d.offset_in_sentence + length(d.matched_text)
                and d.offset_in_sentence < x.offset_in_sentence + length(x.matched_text)
        )
)

select
    source,
    item_id,
    version,
    'signal' as label_kind,
    signal as label,
    signal as matched_by,
    sentence_no,
    sentence_text,
    {{ evidence_text('offset_in_sentence', 'matched_text') }} as matched_text,
    sentence_start + {{ evidence_start('offset_in_sentence', 'matched_text') }} as char_start,
    sentence_start + {{ evidence_end('offset_in_sentence', 'matched_text') }} as char_end
from kept
