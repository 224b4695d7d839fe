-- Formulaic signals (speech acts) and their cue patterns (reference/tone_signals.csv).
select signal, description, pattern
from {{ ref('tone_signals') }}
