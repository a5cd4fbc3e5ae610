"""Trains small BPE, Unigram and WordPiece tokenizers with Hugging Face `tokenizers` on a real text file and saves
them as OUT_DIR/{bpe,unigram,wordpiece}.json (the kinds of tokenizer.json other projects publish)."""
import sys

from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

text_file, out_dir = sys.argv[1], sys.argv[2]
with open(text_file, encoding="utf-8") as f:
    lines = f.read().split("\n")

# Byte-fallback BPE over Metaspace, as SentencePiece-style tokenizers (Llama, the paper's bvv241) publish it.
bpe = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=True))
bpe.pre_tokenizer = pre_tokenizers.Metaspace()
bpe.decoder = decoders.Sequence([decoders.Metaspace(), decoders.ByteFallback(), decoders.Fuse()])
bytes_ = [f"<0x{b:02X}>" for b in range(256)]
bpe.train_from_iterator(lines, trainers.BpeTrainer(vocab_size=1500, special_tokens=["<unk>", "<s>", "</s>"] + bytes_, show_progress=False))
bpe.save(f"{out_dir}/bpe.json")

uni = Tokenizer(models.Unigram())
uni.pre_tokenizer = pre_tokenizers.Metaspace()
uni.decoder = decoders.Metaspace()
uni.train_from_iterator(lines, trainers.UnigramTrainer(vocab_size=1200, special_tokens=["<unk>", "<pad>"], unk_token="<unk>", show_progress=False))
uni.save(f"{out_dir}/unigram.json")

wp = Tokenizer(models.WordPiece(unk_token="[UNK]"))
wp.normalizer = normalizers.NFC()
wp.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
wp.decoder = decoders.WordPiece()
wp.train_from_iterator(lines, trainers.WordPieceTrainer(vocab_size=1200, special_tokens=["[UNK]", "[CLS]", "[SEP]", "[PAD]"], show_progress=False))
wp.save(f"{out_dir}/wordpiece.json")
