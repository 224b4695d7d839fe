select signal, description, pattern
from {{ ref('tone_signals') }}
