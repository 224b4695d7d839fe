-- Sentence offsets point at the sentence's own text in the item's text.
select s.source, s.item_id, s.sentence_no
from {{ ref('stg_sentences') }} as s
inner join {{ ref('stg_item_versions') }} as v
    on v.source = s.source and v.item_id = s.item_id and v.entry_sha = s.entry_sha
where substring(v.text, s.char_start + 1, s.char_end - s.char_start) != s.sentence_text
