-- Where a descriptor counts: phrasings that describe the conversation itself
-- (reference/tone_frames.csv). {descriptors} stands for a list of lexicon spellings.
select frame, description, pattern
from {{ ref('tone_frames') }}
