{#- The fixed grammar around the rules in the seeds (documented in reference/README.md).
    Block bodies are taken literally: the backslashes are the regular expressions' own. -#}

{#- Each descriptor may follow adverbs or intensifiers ("a traditionally warm and
    friendly", "an extremely frank"). -#}
{%- macro rule_adverb() -%}
(?:(?:very|highly|quite|extremely|most|truly|really|rather|fairly|so|genuinely|especially|particularly|[a-z]+ly)\s+)
{%- endmacro -%}

{#- Descriptors in a list are joined by commas, "and", "but" or "yet". -#}
{%- macro rule_separator() -%}
(?:\s*,\s*(?:and\s+|but\s+|yet\s+)?|\s+(?:and|but|yet)\s+)
{%- endmacro -%}

{%- macro rule_word_boundary() -%}
\b
{%- endmacro -%}

{#- A greeting runs to the end of its clause: the next "and <verb>", ";", "." or the end. -#}
{%- macro rule_greeting_clause_end() -%}
[^.;]*?(?:\s+and\s+(?:\S+\s+){0,3}?(?:reaffirmed|discussed|noted|agreed|confirmed|expressed|praised|stressed|emphasised)\b|[.;]|$)
{%- endmacro -%}

{#- A pattern that matches nothing, for a rule the seeds leave out. -#}
{%- macro rule_never() -%}
[^\s\S]
{%- endmacro -%}

{%- macro rule_leading_flags() -%}
^\(\?[a-zA-Z]+\)
{%- endmacro -%}
