"""The data sets deepmad.train reads, and the paper's augmentation.

Two sources: an ImageFolder directory (a `train/` and a `val/` folder of
class folders, as ImageNet is usually laid out), or Fashion-MNIST from the
official IDX files of Debian's `dataset-fashion-mnist` (nothing is
downloaded).  The IDX reader is the one the Fashion-MNIST study uses too.

Augmentation is deterministic per sample: every training image is
augmented under its own seed, a function of (run seed, epoch, image index)
only.  So the draws do not depend on the number of loader workers, on the
number of processes, nor on where a run was interrupted and resumed; that
is what makes an interrupted-and-resumed run end bit for bit where an
uninterrupted one does (docs/training.md).
"""
import gzip
import os

import numpy as np
import torch

FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist"
# Fashion-MNIST's ten classes, in label order.
FASHION_MNIST_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
# torchvision's ImageNet statistics, for ImageFolder data.
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


class DataError(Exception):
    """Unreadable or missing data: the message says which file and why."""


def read_idx(path):
    """An IDX file (gzip'd or not) as a numpy array; the header gives dtype and shape."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise DataError(f"{path}: not an unsigned-byte IDX file")
    ndim = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(shape)):
        raise DataError(f"{path}: size does not match header {shape}")
    return data.reshape(shape)


def load_idx_split(data_dir, prefix):
    """(images uint8 [N, H, W], labels int64 [N]) of split `prefix` ("train" or "t10k")."""
    def find(stem):
        for name in (stem + ".gz", stem):
            p = os.path.join(data_dir, name)
            if os.path.exists(p):
                return p
        raise DataError(f"{stem} not found in {data_dir} (Debian: apt-get install dataset-fashion-mnist)")
    x = read_idx(find(f"{prefix}-images-idx3-ubyte"))
    y = read_idx(find(f"{prefix}-labels-idx1-ubyte"))
    if len(x) != len(y):
        raise DataError(f"{data_dir}: {prefix} has {len(x)} images but {len(y)} labels")
    return torch.from_numpy(x.copy()), torch.from_numpy(y.astype(np.int64))


def sample_seed(seed, epoch, index):
    """The augmentation seed of one image in one epoch (any 63-bit mix will do,
    as long as it depends on nothing else)."""
    return ((seed * 1_000_003 + epoch) * 2_147_483_647 + index) % (1 << 63)


class Augmented(torch.utils.data.Dataset):
    """`base[i]` = (image, label) passed through `transform` under the seed of
    (seed, epoch, i).  The draws use torch's CPU generator, saved and restored
    around the call, so the caller's random state is untouched (torchvision's
    transforms draw from torch's generator only)."""

    def __init__(self, base, transform, seed):
        self.base, self.transform, self.seed, self.epoch = base, transform, seed, 0

    def set_epoch(self, epoch):
        # Read by the loader's workers: they get a fresh copy of the data set
        # each epoch (the loader's workers are not persistent).
        self.epoch = epoch

    def __len__(self):
        return len(self.base)

    def __getitem__(self, i):
        x, y = self.base[i]
        if self.transform is None:
            return x, y
        with torch.random.fork_rng(devices=[]):
            torch.default_generator.manual_seed(sample_seed(self.seed, self.epoch, i))
            return self.transform(x), y


class TensorImages(torch.utils.data.Dataset):
    """Images held in memory as uint8 [N, H, W] or [N, C, H, W]; items are uint8 [C, H, W]."""

    def __init__(self, images, labels):
        self.images = images if images.dim() == 4 else images.unsqueeze(1)
        self.labels = labels

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return self.images[i], int(self.labels[i])


class _RGB:
    """PIL image to RGB (ImageFolder holds grey and CMYK files too)."""

    def __call__(self, img):
        return img.convert("RGB")


def augmentation(size, mean, std, crop_scale=(0.08, 1.0), flip=True, autoaugment=True,
                 erasing=0.25, pil=False):
    """The paper's training transforms (section 5.1): random resized crop and
    flip, AutoAugment (ImageNet policy), normalisation, random erasing.
    crop_scale None: no crop (the image is only resized to `size` if it differs)."""
    import torchvision.transforms as T
    t = [_RGB(), T.PILToTensor()] if pil else []
    if crop_scale is not None:
        t.append(T.RandomResizedCrop(size, scale=tuple(crop_scale), antialias=True))
    else:
        t.append(T.Resize((size, size), antialias=True))
    if flip:
        t.append(T.RandomHorizontalFlip())
    if autoaugment:
        t.append(T.AutoAugment(T.AutoAugmentPolicy.IMAGENET))
    t += [T.ConvertImageDtype(torch.float32), T.Normalize(mean, std)]
    if erasing > 0:
        t.append(T.RandomErasing(p=erasing, value=0))
    return T.Compose(t)


def evaluation(size, mean, std, pil=False, native=None):
    """The test transforms: resize to size/0.875 and centre crop (ImageFolder),
    or only a resize when the images are not `size` already (Fashion-MNIST)."""
    import torchvision.transforms as T
    t = [_RGB(), T.PILToTensor()] if pil else []
    if pil:
        t += [T.Resize(int(round(size / 0.875)), antialias=True), T.CenterCrop(size)]
    elif native != size:
        t.append(T.Resize((size, size), antialias=True))
    t += [T.ConvertImageDtype(torch.float32), T.Normalize(mean, std)]
    return T.Compose(t)


def open_data(data, subset=0, test_subset=0):
    """The train and test sets (untransformed) and what the network must fit.

    data: "fashion-mnist" (Debian's files), or a directory holding either
    the four Fashion-MNIST IDX files or ImageFolder `train/` and `val/`
    folders.  Returns a dict: train, test (data sets of (image, label)),
    classes, channels, size (native, None when images vary), mean, std, pil
    (items are PIL images, not uint8 tensors)."""
    if data == "fashion-mnist":
        data = FASHION_MNIST_DIR
    if not os.path.isdir(data):
        raise DataError(f"{data}: no such directory (give an ImageFolder directory or 'fashion-mnist')")
    idx = any(os.path.exists(os.path.join(data, "train-images-idx3-ubyte" + z)) for z in ("", ".gz"))
    if idx:
        xtr, ytr = load_idx_split(data, "train")
        xte, yte = load_idx_split(data, "t10k")
        # Normalised with the whole training split's statistics (as the study does).
        scaled = xtr.float().div_(255)
        mean, std = scaled.mean().item(), scaled.std().item()
        if subset:
            xtr, ytr = xtr[:subset], ytr[:subset]
        if test_subset:
            xte, yte = xte[:test_subset], yte[:test_subset]
        return {"train": TensorImages(xtr, ytr), "test": TensorImages(xte, yte),
                "classes": int(max(ytr.max(), yte.max())) + 1, "channels": 1,
                "size": int(xtr.shape[-1]), "mean": (mean,), "std": (std,), "pil": False}
    import torchvision
    split = {}
    for name, alts in (("train", ("train",)), ("test", ("val", "test"))):
        for a in alts:
            if os.path.isdir(os.path.join(data, a)):
                split[name] = torchvision.datasets.ImageFolder(os.path.join(data, a))
                break
        else:
            raise DataError(f"{data}: no {' or '.join(alts)}/ folder (an ImageFolder directory "
                            "holds train/ and val/, each with one folder per class)")
    if split["train"].classes != split["test"].classes:
        raise DataError(f"{data}: train/ and val/ have different class folders")
    for name, n in (("train", subset), ("test", test_subset)):
        if n:
            split[name] = torch.utils.data.Subset(split[name], range(min(n, len(split[name]))))
    return {"train": split["train"], "test": split["test"],
            "classes": len(split["test"].classes) if hasattr(split["test"], "classes")
            else len(split["test"].dataset.classes),
            "channels": 3, "size": None, "mean": IMAGENET_MEAN, "std": IMAGENET_STD, "pil": True}
