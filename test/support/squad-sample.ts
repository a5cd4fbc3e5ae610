// A three-question SQuAD v2 file in the official layout (two answerable, one impossible), written for the
// benchmark-detection unit test and the browser suite's Benchmarks import alike.

/** The file's object; `plausible` adds v2's plausible_answers to the impossible question. */
export function squadSample(opts: { plausible?: boolean } = {}): object {
  return {
    version: 'v2.0',
    data: [
      {
        title: 'Debian',
        paragraphs: [
          {
            context: 'Debian was first announced on 16 August 1993 by Ian Murdock.',
            qas: [
              {
                id: 'q1',
                question: 'Who announced Debian?',
                answers: [{ text: 'Ian Murdock', answer_start: 47 }],
                is_impossible: false,
              },
              {
                id: 'q2',
                question: 'When was Debian announced?',
                answers: [{ text: '16 August 1993', answer_start: 29 }],
                is_impossible: false,
              },
              {
                id: 'q3',
                question: 'Who wrote the Linux kernel?',
                answers: [],
                ...(opts.plausible ? { plausible_answers: [{ text: 'Ian Murdock', answer_start: 47 }] } : {}),
                is_impossible: true,
              },
            ],
          },
        ],
      },
    ],
  };
}
