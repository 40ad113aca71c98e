/// The category tree of a shop-shaped sample (`--products N`): departments, aisles and
/// shelves, three levels deep. Products sit on the shelves (the leaves) only, as in a real
/// shop's catalogue export.
enum ShopTree {
    struct Department {
        var name: String
        var brands: [String]
        var shelves: [Leaf]
    }

    struct Leaf {
        var path: String
        var nouns: [String]
        var price: ClosedRange<Double>
        /// Usual days between purchases for consumables; nil for things bought once.
        var replenish: Int?

        init(_ path: String, _ nouns: [String], _ price: ClosedRange<Double>, every replenish: Int? = nil) {
            self.path = path
            self.nouns = nouns
            self.price = price
            self.replenish = replenish
        }
    }

    static let departments: [Department] = [
        home, grocery, pets, health, beauty, music, books, toys, outdoor,
        electronics, fashion
    ]

    static let home = Department(
        name: "Home", brands: ["Cuisinova", "Ferro", "Nordhaus"],
        shelves: [
            Leaf("Home/Kitchen/Cookware", ["Cast Iron Skillet", "Saucepan", "Dutch Oven", "Wok", "Stockpot"], 18...160),
            Leaf("Home/Kitchen/Knives", ["Chef's Knife", "Paring Knife", "Bread Knife", "Santoku"], 15...140),
            Leaf(
                "Home/Kitchen/Coffee Gear", ["Pour-over Kettle", "Burr Grinder", "French Press", "Moka Pot"], 15...180),
            Leaf("Home/Bedding/Sheets", ["Linen Sheet Set", "Percale Sheets", "Fitted Sheet"], 30...160),
            Leaf("Home/Bedding/Pillows", ["Down Pillow", "Memory Foam Pillow", "Cushion Cover"], 12...90),
            Leaf("Home/Cleaning/Supplies", ["Dish Soap Refill", "Laundry Pods", "Sponges 6-pack"], 3...20, every: 30),
            Leaf("Home/Lighting/Lamps", ["Desk Lamp", "Floor Lamp", "Bedside Lamp"], 25...200)
        ])
    static let grocery = Department(
        name: "Grocery", brands: ["Bean & Co", "Roastery North", "Café Lumière"],
        shelves: [
            Leaf(
                "Grocery/Coffee/Beans",
                [
                    "Ethiopian Yirgacheffe", "Colombian Supremo", "Espresso Blend",
                    "Decaf House Blend", "Kenya AA"
                ], 8...24, every: 30),
            Leaf("Grocery/Coffee/Capsules", ["Lungo Capsules", "Ristretto Capsules"], 5...15, every: 21),
            Leaf("Grocery/Tea/Loose Leaf", ["Earl Grey", "Sencha", "Assam", "Chamomile"], 5...20, every: 45),
            Leaf("Grocery/Pantry/Olive Oil", ["Extra Virgin Olive Oil", "Arbequina Oil"], 8...30, every: 60),
            Leaf("Grocery/Pantry/Pasta", ["Spaghetti", "Rigatoni", "Orecchiette"], 2...8, every: 21)
        ])
    static let pets = Department(
        name: "Pets", brands: ["Happy Paws", "Whisker Feast", "Canis Prime"],
        shelves: [
            Leaf(
                "Pets/Dog/Food", ["Salmon Kibble", "Grain-free Dry Food", "Puppy Starter", "Senior Formula"], 12...60,
                every: 28),
            Leaf("Pets/Dog/Toys", ["Rope Toy", "Squeaky Ball", "Chew Bone"], 4...25),
            Leaf("Pets/Cat/Food", ["Chicken Pâté", "Indoor Cat Mix", "Tuna Chunks"], 10...45, every: 28),
            Leaf("Pets/Cat/Litter", ["Clumping Litter", "Pine Litter"], 8...25, every: 30)
        ])
    static let health = Department(
        name: "Health", brands: ["ClearSight", "Optiva", "VitaNord"],
        shelves: [
            Leaf(
                "Health/Eyes/Contact Lenses", ["Daily Lenses 30-pack", "Monthly Lenses 6-pack", "Toric Dailies"],
                25...60, every: 90),
            Leaf("Health/Vitamins/Daily", ["Vitamin D3", "Multivitamin", "Omega-3"], 6...30, every: 60),
            Leaf("Health/First Aid/Kits", ["Travel First Aid Kit", "Blister Plasters"], 5...40)
        ])
    static let beauty = Department(
        name: "Beauty", brands: ["Lumen Skin", "Nordic Care"],
        shelves: [
            Leaf("Beauty/Skin/Moisturisers", ["Daily Moisturiser", "Night Cream", "Hand Cream"], 6...45, every: 60),
            Leaf("Beauty/Skin/Sun Care", ["Sunscreen SPF50", "After-sun Gel"], 6...30, every: 90),
            Leaf("Beauty/Hair/Shampoo", ["Repair Shampoo", "Volume Shampoo"], 5...20, every: 45),
            Leaf("Beauty/Fragrance/Perfume", ["Eau de Parfum", "Eau de Toilette"], 30...120)
        ])
    static let music = Department(
        name: "Music",
        brands: [
            "Blue Room Records", "Vanguard Press", "Deutsche Klang",
            "Aurora Classics", "Amp & Fuzz"
        ],
        shelves: [
            Leaf(
                "Music/Jazz/Vinyl", ["Kind of Blue Reissue", "Late Night Trio", "Bebop Sessions", "Smoky Standards"],
                18...40),
            Leaf("Music/Jazz/CD", ["Modal Explorations", "Big Band Live"], 8...20),
            Leaf("Music/Classical/Vinyl", ["Goldberg Variations", "Four Seasons"], 18...40),
            Leaf("Music/Classical/CD", ["Nocturnes", "Symphony No. 9", "Cello Suites"], 8...20),
            Leaf("Music/Rock/Vinyl", ["Loud Summer", "Arena Nights"], 18...38),
            Leaf("Music/Rock/CD", ["Basement Demos", "Riff Anthology"], 8...18)
        ])
    static let books = Department(
        name: "Books", brands: ["Harbor Books", "Quill & Ink", "Pantry Press"],
        shelves: [
            Leaf("Books/Fiction/Literary", ["The Quiet Harbor", "The Last Orchard", "Glass Cities"], 9...25),
            Leaf("Books/Fiction/Crime", ["Cold Harbour Case", "The Night Ferry"], 9...22),
            Leaf("Books/Fiction/Science Fiction", ["Orbit of Salt", "The Long Relay"], 9...22),
            Leaf(
                "Books/Non-fiction/Cooking",
                [
                    "Weeknight Vegetarian", "Bread at Home", "The Spice Route",
                    "One-Pot Suppers"
                ], 15...35),
            Leaf("Books/Non-fiction/Travel", ["A Year in Kyoto", "Northern Lights"], 12...30),
            Leaf("Books/Children/Picture Books", ["The Sleepy Fox", "Moon Boat"], 6...18)
        ])
    static let toys = Department(
        name: "Toys", brands: ["Tiny Giants", "Blocktopia", "Wonderworks"],
        shelves: [
            Leaf("Toys/Building/Blocks", ["Building Blocks 500", "Bridge Kit"], 15...80),
            Leaf("Toys/Games/Puzzles", ["Puzzle Globe", "1000-piece Puzzle"], 10...40),
            Leaf("Toys/Games/Board Games", ["Harbour Traders", "Dragon Race"], 15...50),
            Leaf("Toys/Plush/Animals", ["Plush Dragon", "Plush Fox"], 10...40),
            Leaf("Toys/Vehicles/Trains", ["Wooden Train Set", "Remote Car"], 20...90),
            Leaf("Toys/Science/Kits", ["Science Kit", "Crystal Garden"], 15...60)
        ])
    static let outdoor = Department(
        name: "Outdoor", brands: ["TrailMark", "Fjellgear"],
        shelves: [
            Leaf("Outdoor/Hiking/Footwear", ["Trail Runners", "Hiking Boots"], 60...180),
            Leaf("Outdoor/Hiking/Clothing", ["Rain Shell", "Down Vest"], 40...220),
            Leaf("Outdoor/Hiking/Gear", ["Trekking Poles", "Headlamp", "Water Filter"], 15...90),
            Leaf("Outdoor/Camping/Tents", ["Two-person Tent", "Ultralight Tarp"], 80...400),
            Leaf("Outdoor/Cycling/Accessories", ["Bike Light Set", "Helmet", "Saddle Bag"], 15...120)
        ])
    static let electronics = Department(
        name: "Electronics", brands: ["Voltaic", "Pixelwright"],
        shelves: [
            Leaf("Electronics/Audio/Headphones", ["Wireless Earbuds", "Over-ear Headphones"], 25...300),
            Leaf("Electronics/Audio/Speakers", ["Smart Speaker", "Bluetooth Speaker"], 30...250),
            Leaf("Electronics/Power/Chargers", ["USB-C Charger", "Power Bank", "Charging Cable"], 8...60),
            Leaf("Electronics/Reading/E-readers", ["E-reader", "E-reader Cover"], 20...200)
        ])
    static let fashion = Department(
        name: "Fashion", brands: ["Linnea", "Atelier Sud"],
        shelves: [
            Leaf("Fashion/Women/Dresses", ["Wrap Dress", "Linen Dress"], 40...160),
            Leaf("Fashion/Men/Shirts", ["Oxford Shirt", "Flannel Shirt"], 30...90),
            Leaf("Fashion/Accessories/Scarves", ["Wool Scarf", "Silk Scarf"], 20...80),
            Leaf("Fashion/Accessories/Socks", ["Merino Socks 3-pack", "Cotton Socks 5-pack"], 8...25, every: 120)
        ])
}
