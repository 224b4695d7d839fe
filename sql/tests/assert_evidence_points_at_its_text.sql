-- Every label's span points at its matched words in the item's text.
select e.source, e.item_id, e.label_kind, e.label, e.matched_text
from {{ ref('tone_evidence') }} as e
inner join {{ ref('int_call_items') }} as c on c.source = e.source and c.item_id = e.item_id
inner join {{ ref('stg_item_versions') }} as v
    on v.source = c.source and v.item_id = c.item_id and v.entry_sha = c.entry_sha
where lower(substring(v.text, e.char_start + 1, e.char_end - e.char_start)) != lower(e.matched_text)
