-- Sentences of the newest version of every call readout. Offsets index the item's text.
select
    c.source,
    c.item_id,
    c.version,
    s.sentence_no,
    s.char_start,
    s.char_end,
    s.sentence_text
from intermediate.int_call_items as c
inner join staging.stg_sentences as s
    on s.source = c.source and s.item_id = c.item_id and s.entry_sha = c.entry_sha
