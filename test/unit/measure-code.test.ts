import { describe, expect, it } from 'vitest';
import { detectCodeType } from '../../src/lib/markers/measure';

/** Small, real programs, one per language, without fence info so only the syntax can tell. */
const PROGRAMS: Array<[string, string]> = [
  ['python', 'import math\n\ndef area(radius):\n    return math.pi * radius ** 2\n\nif __name__ == "__main__":\n    print(area(2))'],
  ['javascript', 'const words = ["pear", "fig", "banana"];\nconst byLength = words.sort((a, b) => a.length - b.length);\nconsole.log(byLength);'],
  ['typescript', 'interface User {\n  name: string;\n  age: number;\n}\n\nexport function greet(user: User): string {\n  return `Hello, ${user.name}`;\n}'],
  ['cpp', '#include <iostream>\n#include <vector>\n\nint main() {\n    std::vector<int> v{3, 1, 2};\n    for (int x : v) std::cout << x << "\\n";\n    return 0;\n}'],
  ['c', '#include <stdio.h>\n#include <stdlib.h>\n\nint main(void) {\n    int *xs = malloc(3 * sizeof(int));\n    printf("%d\\n", xs[0]);\n    free(xs);\n    return 0;\n}'],
  ['java', 'import java.util.List;\n\npublic class Main {\n    public static void main(String[] args) {\n        System.out.println(List.of(1, 2, 3));\n    }\n}'],
  ['csharp', 'using System;\n\nnamespace Demo\n{\n    class Program\n    {\n        static void Main(string[] args)\n        {\n            Console.WriteLine("Hello");\n        }\n    }\n}'],
  ['go', 'package main\n\nimport "fmt"\n\nfunc main() {\n\tcount := 3\n\tfmt.Println("count:", count)\n}'],
  ['rust', 'use std::collections::HashMap;\n\nfn main() {\n    let mut counts = HashMap::new();\n    counts.insert("a", 1);\n    println!("{:?}", counts);\n}'],
  ['swift', 'import Foundation\n\nfunc greet(name: String) -> String {\n    return "Hello, \\(name)!"\n}\n\nprint(greet(name: "Ana"))'],
  ['kotlin', 'data class Point(val x: Int, val y: Int)\n\nfun main() {\n    val p = Point(1, 2)\n    println(p)\n}'],
  ['ruby', 'class Greeter\n  attr_reader :name\n\n  def initialize(name)\n    @name = name\n  end\nend\n\n[1, 2, 3].each do |n|\n  puts n\nend'],
  ['haskell', 'module Main where\n\nsquare :: Int -> Int\nsquare x = x * x\n\nmain :: IO ()\nmain = putStrLn (show (square 4))'],
  ['php', '<?php\nfunction total($items) {\n    $sum = 0;\n    foreach ($items as $item) { $sum += $item; }\n    return $sum;\n}\necho total([1, 2, 3]);'],
  ['shell', '#!/bin/bash\nfor f in *.log; do\n  if [ -s "$f" ]; then\n    gzip "$f"\n  fi\ndone'],
  ['sql', 'SELECT c.name, COUNT(o.id) AS orders\nFROM customers c\nJOIN orders o ON o.customer_id = c.id\nGROUP BY c.name\nORDER BY orders DESC;'],
  ['cobol', '       IDENTIFICATION DIVISION.\n       PROGRAM-ID. HELLO.\n       PROCEDURE DIVISION.\n           DISPLAY "HELLO, WORLD".\n           STOP RUN.'],
];

describe('detectCodeType', () => {
  it.each(PROGRAMS)('recognises %s from its syntax in an untagged fence', (language, code) => {
    expect(detectCodeType('Here you go:\n\n```\n' + code + '\n```')).toBe(language);
  });

  it.each(PROGRAMS)('recognises bare %s code without a fence', (language, code) => {
    expect(detectCodeType(code)).toBe(language);
  });

  it.each([
    ['py', 'python'], ['python3', 'python'], ['js', 'javascript'], ['jsx', 'javascript'], ['ts', 'typescript'],
    ['tsx', 'typescript'], ['c++', 'cpp'], ['cc', 'cpp'], ['h', 'c'], ['golang', 'go'], ['rs', 'rust'],
    ['cs', 'csharp'], ['c#', 'csharp'], ['bash', 'shell'], ['zsh', 'shell'], ['console', 'shell'], ['kt', 'kotlin'],
    ['rb', 'ruby'], ['hs', 'haskell'], ['postgresql', 'sql'], ['cbl', 'cobol'], ['{.python}', 'python'], ['Java', 'java'],
  ])('trusts the fence info string %j', (info, language) => {
    // The content is deliberately neutral, so only the info string can decide.
    expect(detectCodeType('```' + info + '\nx = 1\n```')).toBe(language);
  });

  it('prefers the info string over contrary-looking content', () => {
    expect(detectCodeType('```ts\nconsole.log("plain JS is valid TS");\n```')).toBe('typescript');
  });

  it('picks the language with the most code when fences differ', () => {
    const text = '```bash\npip install numpy\n```\nThen:\n```python\nimport numpy as np\n\ndef norm(v):\n    return np.sqrt((v ** 2).sum())\n```';
    expect(detectCodeType(text)).toBe('python');
  });

  it.each([
    ['prose about a language', 'Rust is a systems language that guarantees memory safety without a garbage collector.'],
    ['prose with code words', 'First import the photos, then select the best ones from the folder and print them.'],
    ['a recipe', 'Mix the flour and eggs, then let the dough rest for an hour.'],
    ['an untagged fence of plain text', '```\nDear Ana,\nsee you on Monday.\n```'],
    ['an empty text', ''],
    ['a fence named like an Object property', '```constructor\nx = 1\n```'],
  ])('returns undefined for %s', (_, text) => {
    expect(detectCodeType(text)).toBeUndefined();
  });
});
