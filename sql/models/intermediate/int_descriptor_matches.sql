{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ forget_pending_items() }}"
) }}
-- Incremental by item (sql/macros/incremental.sql): an incremental build recomputes only the
-- items the loader listed in raw.pending_items.
-- depends_on: {{ ref('tone_lexicon') }}
-- depends_on: {{ ref('tone_frames') }}
with frame_hits as (
    select
        s.source,
        s.item_id,
        s.version,
        s.sentence_no,
        s.char_start as sentence_start,
        s.sentence_text,
        s.match_text,
        s.match_token_starts,
        s.match_token_ends,
        unnest({{ frame_hits('s.match_text', 's.source') }}) as hit
    from {{ ref('int_call_sentences') }} as s
    where {{ is_pending('s') }}
),

frame_matches as (
    select
        source,
        item_id,
        version,
        sentence_no,
        sentence_start,
        sentence_text,
        match_text,
        match_token_starts,
        match_token_ends,
        hit.frame,
        unnest(hit.hits.prefixes) as prefix,
        unnest(hit.hits.matched) as matched_text,
        unnest(hit.hits.before) as before_list,
        unnest(hit.hits.list) as descriptor_list,
        generate_subscripts(hit.hits.matched, 1) as n
    from frame_hits
    where len(hit.hits.matched) > 0
),

lists as (
    select
        *,
        {{ match_offset('prefix', 'matched_text', 'source, item_id, sentence_no, frame', 'n') }}
            + length(before_list) as list_start
    from frame_matches
),

descriptors as (
    select
        l.*,
        unnest({{ descriptors_in('l.descriptor_list', 'l.source') }}) as found
    from lists as l
),

occurrences as (
    select
        source,
        item_id,
        version,
        sentence_no,
        sentence_start,
        sentence_text,
        match_text,
        match_token_starts,
        match_token_ends,
        frame,
        n,
        list_start,
        found.descriptor,
        unnest(found.hits.prefixes) as prefix,
        unnest(found.hits.matched) as descriptor_text,
        generate_subscripts(found.hits.matched, 1) as k
    from descriptors
    where len(found.hits.matched) > 0
),

positioned as (
    select
        *,
        {{ match_offset('prefix', 'descriptor_text', 'source, item_id, sentence_no, frame, n, descriptor', 'k') }}
            as offset_in_list
    from occurrences
)

select
    source,
    item_id,
    version,
    'descriptor' as label_kind,
    descriptor as label,
    frame as matched_by,
    sentence_no,
    sentence_text,
    {{ evidence_text('list_start + offset_in_list', 'descriptor_text') }} as matched_text,
    sentence_start + {{ evidence_start('list_start + offset_in_list', 'descriptor_text') }} as char_start,
    sentence_start + {{ evidence_end('list_start + offset_in_list', 'descriptor_text') }} as char_end
from positioned
