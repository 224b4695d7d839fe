-- depends_on: {{ ref('tone_signals') }}
with hits as (
    select
        s.*,
        unnest({{ signal_hits('s.match_text', 's.source') }}) as hit
    from {{ ref('int_call_sentences') }} as s
    where not s.in_verbatim_exchange
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
from positioned
