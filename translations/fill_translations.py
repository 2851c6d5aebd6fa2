#!/usr/bin/env python3
"""Fills the <translation> elements of a .ts file from a table of translations.

    translations/fill_translations.py translations/de.tsv translations/tenantdesk_de.ts
    translations/fill_translations.py --missing translations/de.tsv translations/tenantdesk_de.ts

The table has one line per English source: the source, a tab, the translation; a plural source
(numerus="yes") has one translation per plural form of the language, separated by tabs (German and
French: two, singular then plural). Backslash escapes: \\n a line break, \\t a tab, \\\\ a backslash.
Every message whose source is in the table gets its translation and loses type="unfinished"; the
sources the table lacks are listed (--missing: only listed, nothing written), so that new strings
after an update_translations are easy to find, translate, add to the table and fill in. Run
`cmake --build --preset dev --target update_translations` afterwards: lupdate writes the file back
in its own layout.
"""
import sys
import xml.etree.ElementTree as ET


def unescape(text):
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == '\\' and i + 1 < len(text):
            out.append({'n': '\n', 't': '\t', '\\': '\\'}.get(text[i + 1], text[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def escape(text):
    return text.replace('\\', '\\\\').replace('\n', '\\n').replace('\t', '\\t')


def read_table(path):
    table = {}
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            fields = line.split('\t')
            if len(fields) < 2:
                sys.exit(f'{path}:{number}: no tab between source and translation')
            table[unescape(fields[0])] = [unescape(f) for f in fields[1:]]
    return table


def main(argv):
    only_list = '--missing' in argv
    argv = [a for a in argv if a != '--missing']
    if len(argv) != 3:
        sys.exit(__doc__)
    table = read_table(argv[1])
    tree = ET.parse(argv[2])
    missing = []
    for message in tree.getroot().iter('message'):
        source = message.find('source').text or ''
        translation = message.find('translation')
        numerus = message.get('numerus') == 'yes'
        forms = table.get(source)
        if forms is None:
            if translation.get('type') == 'unfinished':
                missing.append(source)
            continue
        if only_list:
            continue
        for child in list(translation):
            translation.remove(child)
        translation.text = None
        if numerus:
            if len(forms) == 1:
                forms = forms * 2
            for form in forms:
                ET.SubElement(translation, 'numerusform').text = form
        else:
            translation.text = forms[0]
        translation.attrib.pop('type', None)
    if not only_list:
        tree.write(argv[2], encoding='utf-8', xml_declaration=True)
    for source in dict.fromkeys(missing):
        print(escape(source))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
